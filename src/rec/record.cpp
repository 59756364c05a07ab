// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/record.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

#include "tlog/conf/rec_config.hpp"
#include "tlog/rec/envelope.hpp"
#include "tlog/sink/rate_limit_writer.hpp"

namespace tlog::rec {

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

std::unique_ptr<sink::Writer> openWriter(const conf::RecConfig &config,
					 const std::string &identifier)
{
	std::unique_ptr<sink::Writer> writer = sink::makeWriter(writerSpec(config, identifier));
	auto action = sink::parseLimitAction(config.limitAction);
	if (action != sink::LimitAction::Pass)
		writer = std::make_unique<sink::RateLimitWriter>(
		    std::move(writer), static_cast<std::uint64_t>(config.limitRate),
		    static_cast<std::uint64_t>(config.limitBurst), action);
	writer->checkReady();
	return writer;
}

RecordResult record(const conf::RecConfig &config, RecordRequest request, sink::Writer &writer)
{
	RecorderOptions options;
	options.command = std::move(request.command);
	options.exec0 = std::move(request.exec0);
	options.latency = std::chrono::seconds(config.latency);
	options.payload = static_cast<std::size_t>(config.payload);
	options.logInput = config.logInput;
	options.logOutput = config.logOutput;
	options.logWindow = config.logWindow;
	options.afterSpawn = std::move(request.afterSpawn);
	codec::Envelope envelope = request.envelope ? std::move(*request.envelope) : makeEnvelope();
	Recorder recorder(std::move(options), std::move(envelope), writer);
	return recorder.run();
}

} // namespace tlog::rec
