// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/status_line.hpp"

#include <algorithm>
#include <cstdio>

#include "tlog/base/log.hpp"
#include "tlog/play/position.hpp"
#include "tlog/screen/virtual_screen.hpp"

namespace tlog::play {

namespace {

// The keys shown; twice as many are kept before the older are dropped.
constexpr std::size_t kKeysShown = 24;

// @p text in reverse video on row @p row (1-based), cut to @p cols.
std::string lastRow(unsigned row, unsigned cols, std::string text)
{
	if (text.size() > cols)
		text.resize(cols);
	return std::string(screen::VirtualScreen::plainModes()) + "\x1b[" + std::to_string(row) +
	       ";1H\x1b[0;7m\x1b[2K" + text + "\x1b[0m";
}

} // namespace

std::string StatusLine::text(const StatusFacts &facts) const
{
	std::string text = " " + formatSeconds(std::max(facts.position, base::Timestamp::zero()));
	if (facts.length)
		text += " / " + formatSeconds(*facts.length);
	char speed[32];
	std::snprintf(speed, sizeof(speed), "  %gx", facts.speed);
	text += speed;
	if (facts.paused)
		text += "  paused";
	if (facts.gaps > 0)
		text += "  " + std::to_string(facts.gaps) + (facts.gaps == 1 ? " gap" : " gaps");
	if (facts.pattern)
		text += "  /" + *facts.pattern;
	if (!lastKeys_.empty()) {
		// The last keys typed (the end of UTF-8 text may be cut).
		std::size_t from =
		    lastKeys_.size() > kKeysShown ? lastKeys_.size() - kKeysShown : 0;
		while (from < lastKeys_.size() && (lastKeys_[from] & 0xc0) == 0x80)
			from++; // not in the middle of a character
		text += "  keys: " + lastKeys_.substr(from);
	}
	text += "  (s hides this)";
	return text;
}

std::string StatusLine::draw(std::optional<term::WindowSize> size,
			     const screen::VirtualScreen &screen, const StatusFacts &facts,
			     base::Timestamp now)
{
	if (!size || size->rows == 0)
		return {};
	unsigned row = size->rows - 1u;
	restore_ = screen.paintRow(row) + screen.cursorAndPen();
	drawnAt_ = now;
	// Drawn in plain modes (the recording may have line drawing shifted
	// in, or insert or origin mode on), which cursorAndPen() puts back.
	return lastRow(row + 1, size->cols, text(facts)) + screen.cursorAndPen();
}

void StatusLine::noteKeys(std::string_view typed)
{
	// Control characters as ^X.
	for (unsigned char c : typed) {
		if (c < 0x20 || c == 0x7f) {
			lastKeys_ += '^';
			lastKeys_ += static_cast<char>(c ^ 0x40);
		} else {
			lastKeys_ += static_cast<char>(c);
		}
	}
	if (lastKeys_.size() > kKeysShown * 2)
		lastKeys_.erase(0, lastKeys_.size() - kKeysShown);
}

bool JumpNote::due(bool seeking, base::Timestamp now) noexcept
{
	if (!seeking) {
		since_.reset();
		shown_ = false; // the landing painted over it
		return false;
	}
	if (!since_)
		since_ = now;
	return now - *since_ >= after_ && now >= nextAt_;
}

std::string JumpNote::note(std::optional<term::WindowSize> size, const std::string &reached,
			   base::Timestamp now)
{
	if (!size || size->rows == 0)
		return {};
	// The screen is not shown until the seek lands, and the landing
	// paints all of it: this row needs no putting back.
	shown_ = true;
	nextAt_ = now + base::ProgressLine::kEvery;
	return lastRow(size->rows, size->cols, " seeking: at " + reached);
}

} // namespace tlog::play
