// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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

/// Something a test does at a time during playback (a key typed, a
/// line appended, a signal): it runs in the player's event loop, so it
/// happens exactly then on the virtual clock.
struct Step {
	std::chrono::milliseconds at; ///< after the start of the run
	std::function<void()> act;
};

/// Plays @p reader with its output in a temporary file (or @p outFd) and
/// stderr captured, on a VirtualClock: the player's waits take no real
/// time, PlayRun::elapsed is virtual time, and @p steps happen at their
/// times. An exception from run() is caught into PlayRun::error. The
/// player seeks with @p index, when given (Player::useIndex()).
PlayRun playCaptured(source::Reader &reader, const play::PlayerOptions &options, int keyFd = -1,
		     int outFd = -1, const std::vector<Step> &steps = {},
		     play::SnapshotIndex *index = nullptr);
/// The same for the text views (play/text_views.hpp): --list-matches and
/// --export=text.
PlayRun listCaptured(source::Reader &reader, const play::PlayerOptions &options);
PlayRun exportCaptured(source::Reader &reader, const play::PlayerOptions &options);

/// Types @p keys on the pty whose master is @p master and returns once
/// its slave @p slave has them to read (so a loop round that polls it
/// next sees them; no race with the clock).
void typeKeys(int master, int slave, std::string_view keys);

/// Redirects stderr into a temporary file while alive.
class StderrToFile {
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
