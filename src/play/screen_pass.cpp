// SPDX-License-Identifier: GPL-2.0-or-later
#include "screen_pass.hpp"

#include <optional>

#include "playback_signals.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/play/position.hpp"
#include "tlog/play/terminal_output.hpp"

namespace tlog::play {

namespace {

// Packets read per round of the loop, so that signals are still seen
// during a long read.
constexpr int kBurst = 512;

} // namespace

ScreenPass::ScreenPass(source::Reader &reader, const PlayerOptions &options, int fd,
		       std::size_t scrollbackLines, term::EventLoop &loop)
    : options_(options), fd_(fd), loop_(loop), stream_(reader, options_.stream(), loop),
      screen_(scrollbackLines, options_.search),
      reading_(
	  loop,
	  [this]() -> std::optional<base::Timestamp> {
		  // Due now but while waiting for the reader.
		  if (done_ || (stream_.empty() && stream_.atReaderEnd()))
			  return std::nullopt;
		  return base::Timestamp::zero();
	  },
	  [this] { readSome(); })
{
	progress_.dueFrom(loop_.clock().monotonic() + options_.progressAfter);
}

int ScreenPass::run(MatchFn onMatch)
{
	onMatch_ = std::move(onMatch);
	std::optional<PlaybackSignals> signals;
	if (options_.handleSignals)
		signals.emplace(loop_, options_.persist);
	readSome();
	if (!done_)
		loop_.run();
	progress_.clear();
	return signals ? signals->caught() : 0;
}

void ScreenPass::readSome()
{
	try {
		auto now = loop_.clock().monotonic();
		for (int budget = kBurst; budget > 0 && !done_;) {
			if (stream_.empty()) {
				if (stream_.atReaderEnd() || !stream_.readMessage())
					break;
				// A message of another recording counts too.
				if (stream_.empty())
					budget--;
				continue;
			}
			const auto &packet = stream_.front();
			if (packet.type == codec::PacketType::Output) {
				for (const auto &row : screen_.output(packet.data))
					if (onMatch_)
						onMatch_(packet.ts, row);
			} else if (packet.type == codec::PacketType::Window) {
				screen_.window(packet.cols, packet.rows);
			}
			stream_.pop();
			budget--;
			if (pending_.size() >= TerminalOutput::kFlushBytes)
				flush();
		}
		flush();
		if (!done_ && progress_.due(now))
			progress_.show(
			    "reading the recording: at " + formatSeconds(stream_.reached()) +
			    (options_.duration ? " of " + formatSeconds(*options_.duration)
					       : std::string()));
	} catch (...) {
		// Output that came before the failure still goes out.
		try {
			flush();
		} catch (...) {
		}
		throw;
	}
	if (stream_.empty() && stream_.ended()) {
		done_ = true;
		loop_.stop();
	}
}

void ScreenPass::flush()
{
	if (pending_.empty())
		return;
	progress_.clear(); // stdout may be the same terminal
	std::string data;
	data.swap(pending_);
	base::writeAll(fd_, data);
}

} // namespace tlog::play
