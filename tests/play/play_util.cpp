// SPDX-License-Identifier: GPL-2.0-or-later
#include "play_util.hpp"

#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "support/files.hpp"
#include "tlog/base/clock.hpp"
#include "tlog/json/escape.hpp"

namespace tlog::test {

std::string message(std::string_view rec, std::uint64_t id, std::uint64_t pos,
		    std::string_view timing, std::string_view outTxt, std::string_view inTxt)
{
	std::string m = R"({"ver":"2.3","host":"h","rec":")" + std::string(rec) +
			R"(","user":"u","term":"xterm","session":1,"id":)" + std::to_string(id) +
			R"(,"pos":)" + std::to_string(pos) + R"(,"time":1700000000.000,"timing":")" +
			std::string(timing) + R"(","in_txt":")";
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

PlayRun playCaptured(source::Reader &reader, const play::PlayerOptions &options, int keyFd,
		     int outFd)
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
	auto start = base::monotonicNow();
	try {
		play::Player player(reader, options, outFd, keyFd);
		run.result = player.run();
	} catch (const std::exception &e) {
		run.error = e.what();
	}
	run.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(base::monotonicNow() -
									    start);
	if (ownOut) {
		::close(outFd);
		run.out = readFile(outPath);
	}
	run.err = err.text();
	return run;
}

} // namespace tlog::test
