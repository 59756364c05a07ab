// SPDX-License-Identifier: GPL-2.0-or-later
#include "play_util.hpp"

#include <fstream>
#include <memory>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "support/files.hpp"
#include "support/virtual_clock.hpp"
#include "tlog/base/clock.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/json/escape.hpp"
#include "tlog/play/text_views.hpp"
#include "tlog/term/event_loop.hpp"

namespace tlog::test {

std::string message(std::string_view rec, std::uint64_t id, std::uint64_t pos,
		    std::string_view timing, std::string_view outTxt, std::string_view inTxt)
{
	std::string m = R"({"ver":"2.3","host":"h","rec":")" + std::string(rec) +
			R"(","user":"u","term":"xterm","session":1,"id":)" + std::to_string(id) +
			R"(,"pos":)" + std::to_string(pos) +
			R"(,"time":1700000000.000,"timing":")" + std::string(timing) +
			R"(","in_txt":")";
	json::appendEscaped(m, inTxt);
	m += R"(","in_bin":[],"out_txt":")";
	json::appendEscaped(m, outTxt);
	m += R"(","out_bin":[]})";
	return m;
}

std::vector<std::string> readLines(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("cannot read " + path);
	std::vector<std::string> lines;
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	return lines;
}

StderrToFile::StderrToFile() : saved_(::dup(STDERR_FILENO))
{
	char name[] = "/tmp/tlog-play-test-XXXXXX";
	int fd = ::mkstemp(name);
	if (fd < 0 || saved_ < 0)
		throw std::runtime_error("cannot capture stderr");
	path_ = name;
	::dup2(fd, STDERR_FILENO);
	::close(fd);
}

StderrToFile::~StderrToFile()
{
	::dup2(saved_, STDERR_FILENO);
	::close(saved_);
	::unlink(path_.c_str());
}

std::string StderrToFile::text() const
{
	return readFile(path_);
}

namespace {

/// Runs @p body (given the output fd and the loop) as playCaptured() says.
PlayRun captureRun(const std::function<play::PlayResult(int, term::EventLoop &)> &body, int outFd,
		   const std::vector<Step> &steps)
{
	TempDir dir;
	auto outPath = dir / "out";
	bool ownOut = outFd < 0;
	if (ownOut)
		outFd = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (outFd < 0)
		throw std::runtime_error("cannot open the output file");
	PlayRun run;
	StderrToFile err;
	VirtualClock clock;
	term::EventLoop loop(clock);
	std::vector<std::unique_ptr<term::Timer>> timers;
	for (const auto &step : steps) {
		timers.push_back(std::make_unique<term::Timer>(loop, step.act));
		timers.back()->schedule(clock.monotonic() + step.at);
	}
	try {
		run.result = body(outFd, loop);
	} catch (const std::exception &e) {
		run.error = e.what();
	}
	run.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock.elapsed());
	if (ownOut) {
		::close(outFd);
		run.out = readFile(outPath);
	}
	run.err = err.text();
	return run;
}

} // namespace

PlayRun playCaptured(source::Reader &reader, const play::PlayerOptions &options, int keyFd,
		     int outFd, const std::vector<Step> &steps, play::SnapshotIndex *index)
{
	return captureRun(
	    [&](int fd, term::EventLoop &loop) {
		    play::Player player(reader, options, fd, keyFd, loop);
		    if (index != nullptr)
			    player.useIndex(*index);
		    return player.run();
	    },
	    outFd, steps);
}

PlayRun listCaptured(source::Reader &reader, const play::PlayerOptions &options)
{
	return captureRun(
	    [&](int fd, term::EventLoop &loop) {
		    return play::listMatches(reader, options, fd, loop);
	    },
	    -1, {});
}

PlayRun exportCaptured(source::Reader &reader, const play::PlayerOptions &options)
{
	return captureRun(
	    [&](int fd, term::EventLoop &loop) {
		    play::PlayResult result;
		    result.signal = play::exportText(reader, options, fd, loop);
		    return result;
	    },
	    -1, {});
}

void typeKeys(int master, int slave, std::string_view keys)
{
	base::writeAll(master, keys);
	// The pty moves the bytes to the slave's input queue on its own
	// schedule: wait for them there.
	for (;;) {
		int queued = 0;
		if (::ioctl(slave, FIONREAD, &queued) < 0)
			throw std::runtime_error("cannot look at the key terminal's input");
		if (static_cast<std::size_t>(queued) >= keys.size())
			return;
		pollfd ready{slave, POLLIN, 0};
		::poll(&ready, 1, 10);
	}
}

} // namespace tlog::test
