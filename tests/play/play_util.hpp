// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/play/player.hpp"

namespace tlog::source {
class Reader;
} // namespace tlog::source

namespace tlog::test {

/// A v2.3 message line of recording @p rec, built for player tests.
std::string message(std::string_view rec, std::uint64_t id, std::uint64_t pos,
		    std::string_view timing, std::string_view outTxt, std::string_view inTxt = "");

/// The lines of a file (golden recordings).
std::vector<std::string> readLines(const std::string &path);

/// What one playback did.
struct PlayRun {
	std::string out;
	std::string err;
	play::PlayResult result;
	std::chrono::milliseconds elapsed{};
	std::string error; ///< what() of the exception run() threw, if any
};

/// Plays @p reader with its output in a temporary file and stderr
/// captured; an exception from run() is caught into PlayRun::error.
PlayRun playCaptured(source::Reader &reader, const play::PlayerOptions &options,
		     int keyFd = -1, int outFd = -1);

/// Redirects stderr into a temporary file while alive.
class StderrToFile
{
public:
	StderrToFile();
	StderrToFile(const StderrToFile &) = delete;
	StderrToFile &operator=(const StderrToFile &) = delete;
	~StderrToFile();
	std::string text() const;

private:
	std::string path_;
	int saved_;
};

} // namespace tlog::test
