// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/record.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <unistd.h>

#include "tlog/base/log.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/conf/rec_config.hpp"
#include "tlog/rec/command_line.hpp"
#include "tlog/rec/envelope.hpp"
#include "tlog/sink/rate_limit_writer.hpp"
#include "tlog/term/signal_set.hpp"

namespace tlog::rec {

std::unique_ptr<sink::Writer> openWriter(const conf::RecConfig &config,
					 const std::string &identifier)
{
	sink::WriterSpec spec = config.writer;
	spec.journal.identifier = identifier;
	std::unique_ptr<sink::Writer> writer = sink::makeWriter(spec);
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

int finishRecording(const RecordResult &result, std::unique_ptr<sink::Writer> writer)
{
	writer.reset();
	if (result.signal)
		term::SignalSet::reraise(*result.signal);
	return result.exitStatus;
}

int runRecorder(const CommandLine &cl)
{
	if (conf::answerHelpOrVersion(cl, usageText()))
		return 0;
	conf::RecConfig config = conf::loadRecConfig(conf::recConfigOrigin(), cl.settings);
	if (cl.configuration) {
		base::writeAll(STDOUT_FILENO, conf::configurationJson(config) + "\n");
		return 0;
	}
	config.validate();
	auto writer = openWriter(config, std::string(base::programName()));
	RecordRequest request;
	request.command = cl.command;
	auto result = record(config, std::move(request), *writer);
	return finishRecording(result, std::move(writer));
}

} // namespace tlog::rec
