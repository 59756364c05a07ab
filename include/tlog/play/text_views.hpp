// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "tlog/play/player.hpp"

namespace tlog::term {
class EventLoop;
} // namespace tlog::term

namespace tlog::play {

/// --export=text: writes to @p fd the text the screen shows at the end of
/// the recording @p options select, after the lines that scrolled off it;
/// nothing is played. Returns the signal that ended it (with
/// options.handleSignals), or 0. @p loop (borrowed) gives the clock.
/// Throws: as Player::run().
int exportText(source::Reader &reader, const PlayerOptions &options, int fd, term::EventLoop &loop);
int exportText(source::Reader &reader, const PlayerOptions &options, int fd);

/// --search ... --list-matches: writes "TIME<TAB>ROW TEXT" to @p fd for
/// every place options.search newly shows on the screen; nothing is
/// played. Returns the signal that ended it and the places listed.
/// Throws: as Player::run().
PlayResult listMatches(source::Reader &reader, const PlayerOptions &options, int fd,
		       term::EventLoop &loop);
PlayResult listMatches(source::Reader &reader, const PlayerOptions &options, int fd);

} // namespace tlog::play
