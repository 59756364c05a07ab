// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/recording_screen.hpp"

namespace tlog::play {

RecordingScreen::RecordingScreen(std::size_t scrollbackLines, std::string pattern)
    : screen_(kDefaultCols, kDefaultRows, scrollbackLines)
{
	if (!pattern.empty())
		search(std::move(pattern));
}

std::vector<std::string> RecordingScreen::output(std::string_view data)
{
	if (!sawOutput_ && !sawWindow_)
		// No window size before the first output: recorded from a pipe,
		// where a line feed also meant "back to the first column".
		screen_.setNewlineMode(true);
	sawOutput_ = true;
	screen_.feed(data);
	if (!search_)
		return {};
	return search_->update(screen_);
}

void RecordingScreen::window(unsigned cols, unsigned rows)
{
	sawWindow_ = true;
	if (cols > 0 && rows > 0)
		screen_.resize(cols, rows);
}

void RecordingScreen::restore(unsigned cols, unsigned rows, std::string_view paint)
{
	screen_.clear();
	screen_.resize(cols, rows);
	screen_.feed(paint);
	if (search_) {
		// What the snapshot shows is not new.
		search_->reset();
		search_->update(screen_);
	}
}

void RecordingScreen::search(std::string pattern)
{
	search_.emplace(std::move(pattern));
	search_->update(screen_); // what is on the screen now is not new
}

} // namespace tlog::play
