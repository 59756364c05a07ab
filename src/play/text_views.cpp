// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/text_views.hpp"

#include "screen_pass.hpp"
#include "tlog/play/position.hpp"
#include "tlog/term/event_loop.hpp"

namespace tlog::play {

namespace {

// Lines that scrolled off the screen kept for --export=text.
constexpr std::size_t kExportScrollback = 100000;

} // namespace

int exportText(source::Reader &reader, const PlayerOptions &options, int fd, term::EventLoop &loop)
{
	PlayerOptions text = options;
	text.search.clear(); // nothing to find
	ScreenPass pass(reader, text, fd, kExportScrollback, loop);
	int signal = pass.run({});
	if (signal == 0) {
		std::string all;
		for (const auto &line : pass.screen().scrollback())
			all += line + "\n";
		all += pass.screen().text();
		pass.append(all);
	}
	pass.flush();
	if (signal == 0)
		pass.finish();
	return signal;
}

int exportText(source::Reader &reader, const PlayerOptions &options, int fd)
{
	term::EventLoop loop;
	return exportText(reader, options, fd, loop);
}

PlayResult listMatches(source::Reader &reader, const PlayerOptions &options, int fd,
		       term::EventLoop &loop)
{
	ScreenPass pass(reader, options, fd, 0, loop);
	PlayResult result;
	result.signal = pass.run([&](base::Timestamp ts, const std::string &row) {
		pass.append(formatPosition(ts) + "\t" + row + "\n");
		result.matches++;
	});
	pass.flush();
	if (result.signal == 0)
		pass.finish();
	return result;
}

PlayResult listMatches(source::Reader &reader, const PlayerOptions &options, int fd)
{
	term::EventLoop loop;
	return listMatches(reader, options, fd, loop);
}

} // namespace tlog::play
