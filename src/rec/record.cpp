// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/record.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlog/base/error.hpp"
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

codec::SigningKey loadSigningKey(const std::string &path)
{
	std::string where = "sign.key " + path;
	// Not through a link: whoever can plant one would choose our key.
	base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
	if (!fd)
		throw base::ConfigError(where + ": " + std::strerror(errno));
	struct stat st {};
	if (::fstat(fd.get(), &st) < 0)
		throw base::ConfigError(where + ": " + std::strerror(errno));
	if (!S_ISREG(st.st_mode))
		throw base::ConfigError(where + ": not a regular file");
	// A key others can read signs for them; one others can write is theirs.
	if (st.st_uid != ::geteuid() && st.st_uid != 0)
		throw base::ConfigError(where + ": owned by uid " + std::to_string(st.st_uid) +
					", not by the recorder's user or root");
	if ((st.st_mode & 077) != 0) {
		char mode[8];
		std::snprintf(mode, sizeof(mode), "%04o",
			      static_cast<unsigned>(st.st_mode & 07777));
		throw base::ConfigError(where + ": mode " + mode +
					" lets others read or change it: chmod 600 it");
	}
	std::string pem;
	char buf[4096];
	for (;;) {
		auto n = base::readSome(fd.get(), buf, sizeof(buf));
		if (n <= 0)
			break;
		pem.append(buf, static_cast<std::size_t>(n));
		if (pem.size() > 65536)
			throw base::ConfigError(where + ": too long for a key");
	}
	return codec::SigningKey::fromPem(pem, where);
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
	options.signingKey = std::move(request.signingKey);
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
	if (!config.signKey.empty())
		request.signingKey = loadSigningKey(config.signKey);
	auto result = record(config, std::move(request), *writer);
	return finishRecording(result, std::move(writer));
}

} // namespace tlog::rec
