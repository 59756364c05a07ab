// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/play/virtual_screen.hpp"

#include <algorithm>
#include <cstdint>
#include <new>

#include <vterm.h>

namespace tlog::play {

namespace {

void appendUtf8(std::string &out, std::uint32_t c)
{
	if (c < 0x80) {
		out += static_cast<char>(c);
	} else if (c < 0x800) {
		out += static_cast<char>(0xc0 | (c >> 6));
		out += static_cast<char>(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		out += static_cast<char>(0xe0 | (c >> 12));
		out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (c & 0x3f));
	} else {
		out += static_cast<char>(0xf0 | (c >> 18));
		out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
		out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (c & 0x3f));
	}
}

// The continuation cell to the right of a double-width character.
constexpr std::uint32_t kWideTail = static_cast<std::uint32_t>(-1);

// Appends a cell's characters (a blank for an empty cell).
void appendCell(std::string &out, const VTermScreenCell &cell)
{
	if (cell.chars[0] == 0) {
		out += ' ';
		return;
	}
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0; i++)
		appendUtf8(out, cell.chars[i]);
}

void trimRight(std::string &text)
{
	text.erase(text.find_last_not_of(' ') + 1);
}

// SGR parameters selecting @p color as foreground (@p base 30) or
// background (@p base 40); empty for the terminal's default.
std::string colorParams(const VTermColor &color, int base)
{
	if (VTERM_COLOR_IS_DEFAULT_FG(&color) || VTERM_COLOR_IS_DEFAULT_BG(&color))
		return {};
	if (VTERM_COLOR_IS_INDEXED(&color)) {
		int idx = color.indexed.idx;
		if (idx < 8)
			return ";" + std::to_string(base + idx);
		if (idx < 16)
			return ";" + std::to_string(base + 60 + idx - 8);
		return ";" + std::to_string(base + 8) + ";5;" + std::to_string(idx);
	}
	return ";" + std::to_string(base + 8) + ";2;" + std::to_string(color.rgb.red) + ";" +
	       std::to_string(color.rgb.green) + ";" + std::to_string(color.rgb.blue);
}

// The whole SGR sequence for a cell's look, starting from a reset.
std::string sgrFor(const VTermScreenCell &cell)
{
	std::string params = "0";
	if (cell.attrs.bold)
		params += ";1";
	if (cell.attrs.italic)
		params += ";3";
	if (cell.attrs.underline)
		params += ";4";
	if (cell.attrs.blink)
		params += ";5";
	if (cell.attrs.reverse)
		params += ";7";
	if (cell.attrs.strike)
		params += ";9";
	params += colorParams(cell.fg, 30);
	params += colorParams(cell.bg, 40);
	return "\x1b[" + params + "m";
}

} // namespace

// libvterm calls these with the VirtualScreen as its user data.
struct VirtualScreenCallbacks {
	static int onDamage(VTermRect rect, void *user)
	{
		auto *self = static_cast<VirtualScreen *>(user);
		for (int row = std::max(rect.start_row, 0);
		     row < rect.end_row && row < static_cast<int>(self->changed_.size()); row++)
			self->changed_[static_cast<std::size_t>(row)] = true;
		return 1;
	}

	static int onTermProp(VTermProp prop, VTermValue *value, void *user)
	{
		auto *self = static_cast<VirtualScreen *>(user);
		if (prop == VTERM_PROP_ALTSCREEN)
			self->altScreen_ = value->boolean != 0;
		else if (prop == VTERM_PROP_CURSORVISIBLE)
			self->cursorVisible_ = value->boolean != 0;
		return 1;
	}

	static int onPushLine(int cols, const VTermScreenCell *cells, void *user)
	{
		auto *self = static_cast<VirtualScreen *>(user);
		if (self->scrollbackLines_ == 0)
			return 0;
		std::string line;
		for (int col = 0; col < cols; col++)
			if (cells[col].chars[0] != kWideTail)
				appendCell(line, cells[col]);
		trimRight(line);
		if (self->scrollback_.size() >= self->scrollbackLines_)
			self->scrollback_.pop_front();
		self->scrollback_.push_back(std::move(line));
		return 1;
	}
};

namespace {

// Without a scrollback, libvterm is not asked to hand over each line that
// scrolls off (it reads every cell of it to do so).
const VTermScreenCallbacks kCallbacksNoScrollback = {
	VirtualScreenCallbacks::onDamage,
	nullptr,
	nullptr,
	VirtualScreenCallbacks::onTermProp,
	nullptr,
	nullptr,
	nullptr,
	nullptr,
};

const VTermScreenCallbacks kCallbacks = {
	VirtualScreenCallbacks::onDamage, // damage
	nullptr,                          // moverect: damage the moved area instead
	nullptr,                          // movecursor
	VirtualScreenCallbacks::onTermProp,
	nullptr,                          // bell
	nullptr,                          // resize
	VirtualScreenCallbacks::onPushLine,
	nullptr, // sb_popline
};

} // namespace

void VirtualScreen::Deleter::operator()(VTerm *vt) const noexcept
{
	vterm_free(vt);
}

VirtualScreen::VirtualScreen(unsigned cols, unsigned rows, std::size_t scrollbackLines)
    : cols_(std::max(cols, 1u)), rows_(std::max(rows, 1u)), scrollbackLines_(scrollbackLines)
{
	setUp();
}

VirtualScreen::~VirtualScreen() = default;

void VirtualScreen::setUp()
{
	vt_.reset(vterm_new(static_cast<int>(rows_), static_cast<int>(cols_)));
	if (!vt_)
		throw std::bad_alloc();
	vterm_set_utf8(vt_.get(), 1);
	screen_ = vterm_obtain_screen(vt_.get());
	vterm_screen_set_callbacks(screen_, scrollbackLines_ > 0 ? &kCallbacks : &kCallbacksNoScrollback,
				   this);
	// Full-screen programs (editors, top) draw on the alternate screen
	// and leave the normal one, with its scrollback, as it was.
	vterm_screen_enable_altscreen(screen_, 1);
	altScreen_ = false;
	cursorVisible_ = true;
	region_.reset();
	primaryPaint_.clear();
	parse_ = Parse::Ground;
	vterm_screen_reset(screen_, 1);
	if (newlineMode_)
		feed("\x1b[20h");
	changed_.assign(rows_, false);
}

void VirtualScreen::feed(std::string_view bytes)
{
	// libvterm keeps two things to itself that a paint() must carry: the
	// scroll region (DECSTBM) and the normal screen while the alternate
	// one shows. A small scan of the control sequences follows the
	// first, and catches the switch to the alternate screen just before
	// libvterm sees its final byte, to paint the normal screen then.
	std::size_t fed = 0;
	for (std::size_t i = 0; i < bytes.size(); i++) {
		char c = bytes[i];
		switch (parse_) {
		case Parse::Ground:
			if (c == '\x1b')
				parse_ = Parse::Escape;
			break;
		case Parse::Escape:
			if (c == '[') {
				parse_ = Parse::Csi;
				csiParams_.clear();
				csiPrivate_ = false;
			} else {
				if (c == 'c') // RIS: a full reset
					region_.reset();
				parse_ = c == '\x1b' ? Parse::Escape : Parse::Ground;
			}
			break;
		case Parse::Csi:
			if (c == '?' && csiParams_.empty()) {
				csiPrivate_ = true;
			} else if ((c >= '0' && c <= '9') || c == ';') {
				if (csiParams_.size() < 32)
					csiParams_ += c;
			} else if (c >= 0x40 && c <= 0x7e) {
				parse_ = Parse::Ground;
				if (!csiPrivate_ && c == 'r') {
					onScrollRegion();
				} else if (csiPrivate_ && c == 'h' && !altScreen_ &&
					   (csiParams_ == "1049" || csiParams_ == "1047" ||
					    csiParams_ == "47")) {
					vterm_input_write(vt_.get(), bytes.data() + fed, i - fed);
					fed = i;
					primaryPaint_ = paint();
				}
			} else if (c == '\x1b') {
				parse_ = Parse::Escape;
			} else if (static_cast<unsigned char>(c) >= 0x20) {
				parse_ = Parse::Ground; // intermediates: nothing we follow
			}
			break;
		}
	}
	vterm_input_write(vt_.get(), bytes.data() + fed, bytes.size() - fed);
}

void VirtualScreen::onScrollRegion()
{
	auto semi = csiParams_.find(';');
	unsigned top = 1, bottom = rows_;
	try {
		std::string first = csiParams_.substr(0, semi);
		if (!first.empty())
			top = static_cast<unsigned>(std::stoul(first));
		if (semi != std::string::npos && semi + 1 < csiParams_.size())
			bottom = static_cast<unsigned>(std::stoul(csiParams_.substr(semi + 1)));
	} catch (const std::exception &) {
		return; // out of range: the terminal ignores it too
	}
	top = std::max(top, 1u);
	bottom = std::min(bottom, rows_);
	if (top >= bottom)
		return; // ignored, as terminals do
	if (top == 1 && bottom == rows_)
		region_.reset();
	else
		region_ = std::pair(top, bottom);
}

void VirtualScreen::resize(unsigned cols, unsigned rows)
{
	cols = std::max(cols, 1u);
	rows = std::max(rows, 1u);
	if (cols == cols_ && rows == rows_)
		return; // every message of a recording repeats its size
	cols_ = cols;
	rows_ = rows;
	region_.reset(); // a new size resets the margins
	vterm_set_size(vt_.get(), static_cast<int>(rows_), static_cast<int>(cols_));
	changed_.assign(rows_, true);
}

void VirtualScreen::setNewlineMode(bool on)
{
	newlineMode_ = on;
	feed(on ? "\x1b[20h" : "\x1b[20l");
}

void VirtualScreen::clear()
{
	setUp();
	scrollback_.clear();
}

std::string VirtualScreen::rowPaint(unsigned row, std::string &look) const
{
	std::string line;
	std::string lineLook = look;
	std::size_t drawnUpTo = 0; // line's length up to its last non-blank
	VTermScreenCell cell;
	for (unsigned col = 0; col < cols_; col++) {
		vterm_screen_get_cell(screen_, VTermPos{static_cast<int>(row), static_cast<int>(col)}, &cell);
		if (cell.chars[0] == kWideTail)
			continue;
		std::string sgr = sgrFor(cell);
		if (sgr != lineLook) {
			line += sgr;
			lineLook = sgr;
		}
		appendCell(line, cell);
		// Plain blanks at the end of a row are left to the erase.
		if (cell.chars[0] != 0 || sgr != "\x1b[0m") {
			drawnUpTo = line.size();
			look = lineLook;
		}
	}
	line.resize(drawnUpTo);
	return line;
}

std::string VirtualScreen::paint() const
{
	// The normal screen under the alternate one first, then the switch;
	// or back on the normal screen. Then attributes off, whole-screen
	// margins, home, erase; the cursor hidden while drawing.
	std::string out = altScreen_ ? primaryPaint_ + "\x1b[?1049h" : "\x1b[?1049l";
	out += "\x1b[0m\x1b[?25l\x1b[r\x1b[H\x1b[2J";
	std::string look = "\x1b[0m";
	for (unsigned row = 0; row < rows_; row++) {
		std::string line = rowPaint(row, look);
		if (line.empty())
			continue;
		out += "\x1b[" + std::to_string(row + 1) + ";1H";
		out += line;
	}
	if (region_)
		out += "\x1b[" + std::to_string(region_->first) + ";" + std::to_string(region_->second) +
		       "r";
	return out + cursorAndPen();
}

std::string VirtualScreen::paintRow(unsigned row) const
{
	std::string out = "\x1b[" + std::to_string(row + 1) + ";1H\x1b[0m\x1b[2K";
	if (row < rows_) {
		std::string look = "\x1b[0m";
		out += rowPaint(row, look);
	}
	return out;
}

std::string VirtualScreen::cursorAndPen() const
{
	VTermState *state = vterm_obtain_state(vt_.get());
	VTermPos cursor;
	vterm_state_get_cursorpos(state, &cursor);
	// The pen: how what comes next is written.
	VTermScreenCell pen{};
	VTermValue value;
	vterm_state_get_penattr(state, VTERM_ATTR_BOLD, &value);
	pen.attrs.bold = value.boolean ? 1 : 0;
	vterm_state_get_penattr(state, VTERM_ATTR_UNDERLINE, &value);
	pen.attrs.underline = value.number != 0 ? 1 : 0;
	vterm_state_get_penattr(state, VTERM_ATTR_ITALIC, &value);
	pen.attrs.italic = value.boolean ? 1 : 0;
	vterm_state_get_penattr(state, VTERM_ATTR_BLINK, &value);
	pen.attrs.blink = value.boolean ? 1 : 0;
	vterm_state_get_penattr(state, VTERM_ATTR_REVERSE, &value);
	pen.attrs.reverse = value.boolean ? 1 : 0;
	vterm_state_get_penattr(state, VTERM_ATTR_STRIKE, &value);
	pen.attrs.strike = value.boolean ? 1 : 0;
	vterm_state_get_penattr(state, VTERM_ATTR_FOREGROUND, &value);
	pen.fg = value.color;
	vterm_state_get_penattr(state, VTERM_ATTR_BACKGROUND, &value);
	pen.bg = value.color;
	return "\x1b[" + std::to_string(cursor.row + 1) + ";" + std::to_string(cursor.col + 1) + "H" +
	       sgrFor(pen) + (cursorVisible_ ? "\x1b[?25h" : "\x1b[?25l");
}

std::string VirtualScreen::rowText(unsigned row) const
{
	std::string text;
	if (row >= rows_)
		return text;
	VTermScreenCell cell;
	for (unsigned col = 0; col < cols_; col++) {
		vterm_screen_get_cell(screen_, VTermPos{static_cast<int>(row), static_cast<int>(col)}, &cell);
		if (cell.chars[0] != kWideTail)
			appendCell(text, cell);
	}
	trimRight(text);
	return text;
}

std::string VirtualScreen::text() const
{
	std::string out;
	for (unsigned row = 0; row < rows_; row++) {
		out += rowText(row);
		out += '\n';
	}
	// Trailing empty rows dropped.
	while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
		out.pop_back();
	if (out == "\n")
		out.clear();
	return out;
}

std::vector<unsigned> VirtualScreen::takeChangedRows()
{
	std::vector<unsigned> rows;
	for (unsigned row = 0; row < changed_.size(); row++)
		if (changed_[row]) {
			rows.push_back(row);
			changed_[row] = false;
		}
	return rows;
}

} // namespace tlog::play
