// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/record.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

#include "tlog/conf/rec_config.hpp"
#include "tlog/rec/envelope.hpp"
#include "tlog/sink/forwarding_writer.hpp"
#include "tlog/sink/rate_limit_writer.hpp"

namespace tlog::rec {

namespace {

/// Forwards to a writer that may be made after the Recorder exists (after
/// the fork), so the Recorder can borrow one stable reference.
class DeferredWriter final : public sink::ForwardingWriter {
public:
	void set(std::unique_ptr<sink::Writer> target) noexcept { setTarget(std::move(target)); }
	void reset() noexcept { setTarget(nullptr); }
};

std::unique_ptr<sink::Writer> makeConfiguredWriter(const conf::RecConfig &config,
						   const std::string &identifier)
{
	std::unique_ptr<sink::Writer> writer = sink::makeWriter(writerSpec(config, identifier));
	auto action = sink::parseLimitAction(config.limitAction);
	if (action != sink::LimitAction::Pass)
		writer = std::make_unique<sink::RateLimitWriter>(
		    std::move(writer), static_cast<std::uint64_t>(config.limitRate),
		    static_cast<std::uint64_t>(config.limitBurst), action);
	return writer;
}

} // namespace

sink::WriterSpec writerSpec(const conf::RecConfig &config, std::string identifier)
{
	sink::WriterSpec spec;
	spec.type = config.writer;
	spec.filePath = config.filePath;
	spec.syslogFacility = config.syslogFacility;
	spec.syslogSocket = config.syslogSocket;
	spec.syslogPriority = config.syslogPriority;
	spec.journalPriority = config.journalPriority;
	spec.journalAugment = config.journalAugment;
	spec.journalBuffer = static_cast<std::size_t>(config.journalBuffer);
	spec.journalFailOnOverflow = config.journalOverflow == "fail";
	spec.journalRateBurst = static_cast<std::size_t>(config.journalRateBurst);
	spec.journalRateInterval = static_cast<unsigned>(config.journalRateInterval);
	spec.identifier = std::move(identifier);
	return spec;
}

RecordResult record(const conf::RecConfig &config, RecordRequest request)
{
	DeferredWriter writer;
	RecorderOptions options;
	options.command = std::move(request.command);
	options.exec0 = std::move(request.exec0);
	options.latency = std::chrono::seconds(config.latency);
	options.payload = static_cast<std::size_t>(config.payload);
	options.logInput = config.logInput;
	options.logOutput = config.logOutput;
	options.logWindow = config.logWindow;
	if (request.afterSpawn) {
		options.afterSpawn = [&](int ptyMaster) {
			request.afterSpawn(ptyMaster);
			writer.set(makeConfiguredWriter(config, request.identifier));
		};
	} else {
		writer.set(makeConfiguredWriter(config, request.identifier));
	}
	codec::Envelope envelope =
	    request.envelope ? std::move(*request.envelope) : makeEnvelope();
	Recorder recorder(std::move(options), std::move(envelope), writer);
	auto result = recorder.run();
	writer.reset(); // reports dropped messages before we go
	return result;
}

} // namespace tlog::rec
