// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/screen/virtual_screen.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>

#include <vterm.h>

namespace tlog::screen {

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

// libvterm 0.1.4 crashes on a double-width character in a one-column
// screen (found by tests/fuzz/fuzz_screen): two columns at the least.
constexpr unsigned kMinCols = 2;

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

// Where a feed can pass over lines that scroll off unseen (see
// VirtualScreen::passOverScrolledOff()).
struct PassOver {
	std::size_t from = 0; // after the first line's CR LF
	std::size_t to = 0;   // the start of the lines fed again
	std::string sgr;      // the SGR sequences in between, in order
	bool erased = false;  // the whole screen is erased right after the run
	bool drawing = false; // to is a cursor position: nothing to put instead
};

// The length of a control sequence at @p at that only moves the cursor to
// a place (CUP, HVP) or erases (EL, ED): ESC [ [0-9;]* H|f|K|J; 0 if it is
// not one. Whether it is a cursor position: @p position.
std::size_t drawLength(std::string_view bytes, std::size_t at, bool &position) noexcept
{
	if (at + 1 >= bytes.size() || bytes[at] != '\x1b' || bytes[at + 1] != '[')
		return 0;
	std::size_t i = at + 2;
	while (i < bytes.size() && ((bytes[i] >= '0' && bytes[i] <= '9') || bytes[i] == ';'))
		i++;
	if (i == bytes.size())
		return 0;
	char final = bytes[i];
	position = final == 'H' || final == 'f';
	return position || final == 'K' || final == 'J' ? i + 1 - at : 0;
}

// Whether @p bytes start by erasing the whole screen (ED 2, or the cursor
// home and ED 0), as full-screen programs and clear(1) do.
bool erasesScreen(std::string_view bytes) noexcept
{
	for (std::string_view clear : {"\x1b[2J", "\x1b[H\x1b[2J", "\x1b[H\x1b[J"})
		if (bytes.substr(0, clear.size()) == clear)
			return true;
	return false;
}

// The length of the SGR sequence ESC [ [0-9;:]* m at @p at, or 0.
std::size_t sgrLength(std::string_view bytes, std::size_t at) noexcept
{
	if (at + 1 >= bytes.size() || bytes[at] != '\x1b' || bytes[at + 1] != '[')
		return 0;
	std::size_t i = at + 2;
	while (i < bytes.size() &&
	       ((bytes[i] >= '0' && bytes[i] <= '9') || bytes[i] == ';' || bytes[i] == ':'))
		i++;
	return i < bytes.size() && bytes[i] == 'm' ? i + 1 - at : 0;
}

// Past the escape sequence or string at @p at (ESC), roughly as ECMA-48
// frames it: only where the search for plain lines goes on (the caller
// checks that the parser is in ground state where it passes over).
std::size_t pastEscape(std::string_view bytes, std::size_t at) noexcept
{
	std::size_t i = at + 1;
	if (i >= bytes.size())
		return i;
	char kind = bytes[i++];
	if (kind == '[') {
		while (i < bytes.size() && (bytes[i] < 0x40 || bytes[i] > 0x7e))
			i++;
		return i + 1;
	}
	if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
		for (; i < bytes.size(); i++)
			if (bytes[i] == '\a' ||
			    (bytes[i] == '\x1b' && i + 1 < bytes.size() && bytes[i + 1] == '\\'))
				return i + 1;
		return i;
	}
	while (i - 1 < bytes.size() && bytes[i - 1] >= 0x20 && bytes[i - 1] <= 0x2f)
		i++; // intermediates, then the final byte
	return i;
}

// A drawing erased before anything shows it, in @p bytes (valid UTF-8)
// from @p at, up to @p end when nothing is found: text, tabs, CR, LF,
// SGR, cursor positions and erases only, with the whole screen erased
// right after. Kept are what comes up to its first character (which
// takes a pending single shift as the full output would), and what
// comes from its last cursor position on, which must print ASCII before
// any other character (no combining mark joins a character passed over):
// the cursor, the pen and the last character printed end as with the
// whole drawing, and the erase takes the rest. In between, nothing but
// its SGR sequences is needed.
std::optional<PassOver> findErasedDrawing(std::string_view bytes, std::size_t at, std::size_t &end)
{
	const std::size_t n = bytes.size();
	std::size_t firstGlyphEnd = 0, lastPosition = 0;
	end = at;
	while (end < n) {
		auto c = static_cast<unsigned char>(bytes[end]);
		if (c >= 0x20 && c < 0x7f) {
			if (firstGlyphEnd == 0)
				firstGlyphEnd = end + 1;
			const char *p = bytes.data() + end;
			const char *stop = bytes.data() + n;
			while (++p < stop && static_cast<unsigned char>(*p) - 0x20u < 0x5fu) {
			}
			end = static_cast<std::size_t>(p - bytes.data());
		} else if (c == '\r' || c == '\t' || c == '\n') {
			end++;
		} else if (c == 0x1b) {
			if (erasesScreen(bytes.substr(end)))
				break;
			bool position = false;
			std::size_t length = sgrLength(bytes, end);
			if (length == 0)
				length = drawLength(bytes, end, position);
			if (length == 0)
				break;
			if (position)
				lastPosition = end;
			end += length;
		} else if (c >= 0xc0) {
			if (c == 0xc2 && end + 1 < n &&
			    static_cast<unsigned char>(bytes[end + 1]) < 0xa0)
				break; // a C1 control
			end++;
			while (end < n && (static_cast<unsigned char>(bytes[end]) & 0xc0) == 0x80)
				end++;
			if (firstGlyphEnd == 0)
				firstGlyphEnd = end;
		} else {
			break;
		}
	}
	if (end >= n || !erasesScreen(bytes.substr(end)) || firstGlyphEnd == 0 ||
	    lastPosition < firstGlyphEnd || lastPosition - firstGlyphEnd < 64)
		return std::nullopt;
	// From the last cursor position: ASCII printed before anything else.
	bool ascii = false;
	for (std::size_t i = lastPosition; i < end;) {
		auto c = static_cast<unsigned char>(bytes[i]);
		if (c == 0x1b) {
			bool position = false;
			std::size_t length = sgrLength(bytes, i);
			i += length != 0 ? length : drawLength(bytes, i, position);
		} else if (c == '\r' || c == '\t' || c == '\n') {
			i++;
		} else {
			ascii = c >= 0x20 && c < 0x7f;
			break;
		}
	}
	if (!ascii)
		return std::nullopt;
	PassOver over{firstGlyphEnd, lastPosition, {}, true, true};
	for (std::size_t i = firstGlyphEnd; i < lastPosition;) {
		const void *esc = std::memchr(bytes.data() + i, 0x1b, lastPosition - i);
		if (!esc)
			break;
		i = static_cast<std::size_t>(static_cast<const char *>(esc) - bytes.data());
		bool position = false;
		std::size_t length = sgrLength(bytes, i);
		if (length != 0)
			over.sgr.append(bytes.substr(i, length));
		else
			length = drawLength(bytes, i, position);
		i += length;
	}
	return over;
}

// The next run of plain lines in @p bytes (valid UTF-8) from @p at that
// is worth passing over on a screen of @p rows: text, tabs, CR, LF and
// SGR only; kept are its first line with a character on it (which takes a
// pending single shift or combining mark as the full output would) and
// its last lines, @p rows line feeds at least, starting with printable
// ASCII (no combining mark joins a character passed over). What comes
// between has @p rows line feeds at least too, so that the cursor is on
// the bottom row when the kept lines start, as after the full output.
std::optional<PassOver> findPassOver(std::string_view bytes, std::size_t at, unsigned rows,
				     std::size_t &noDrawingBefore)
{
	const std::size_t n = bytes.size();
	while (at < n) {
		// A drawing that an erase follows, first. None found from @p at
		// means none from later in the same stretch either.
		if (at >= noDrawingBefore) {
			if (auto drawing = findErasedDrawing(bytes, at, noDrawingBefore))
				return drawing;
		}
		// One run: from @p at to @p end.
		std::size_t firstLineEnd = 0;
		bool printed = false;
		std::size_t end = at;
		while (end < n) {
			auto c = static_cast<unsigned char>(bytes[end]);
			if (c >= 0x20 && c < 0x7f) {
				// Most of it: printable ASCII, in one go.
				printed = true;
				const char *p = bytes.data() + end;
				const char *stop = bytes.data() + n;
				while (++p < stop &&
				       static_cast<unsigned char>(*p) - 0x20u < 0x5fu) {
				}
				end = static_cast<std::size_t>(p - bytes.data());
			} else if (c == '\r' || c == '\t') {
				end++;
			} else if (c == '\n') {
				end++;
				if (firstLineEnd == 0 && printed && end - at >= 2 &&
				    bytes[end - 2] == '\r')
					firstLineEnd = end;
			} else if (c == 0x1b) {
				std::size_t sgr = sgrLength(bytes, end);
				if (sgr == 0)
					break;
				end += sgr;
			} else if (c >= 0xc0) {
				// A C1 control (U+0080 to U+009F) is a sequence.
				if (c == 0xc2 && end + 1 < n &&
				    static_cast<unsigned char>(bytes[end + 1]) < 0xa0)
					break;
				printed = true;
				end++;
				while (end < n &&
				       (static_cast<unsigned char>(bytes[end]) & 0xc0) == 0x80)
					end++;
			} else {
				break; // other controls, DEL
			}
		}
		if (firstLineEnd != 0) {
			// The latest line start with @p rows line feeds after it;
			// with the screen erased right after the run, the last
			// line's start (the rows above it are erased anyway).
			bool erased = end < n && erasesScreen(bytes.substr(end));
			std::size_t need = erased ? 0 : rows;
			std::size_t feeds = 0, to = end;
			while (to > firstLineEnd && feeds < need)
				if (bytes[--to] == '\n')
					feeds++;
			if (feeds == need) {
				// to is at that line feed: look for a line start at or before it.
				while (to > firstLineEnd &&
				       !(bytes[to - 1] == '\n' && bytes[to - 2] == '\r' &&
					 static_cast<unsigned char>(bytes[to]) >= 0x20 &&
					 static_cast<unsigned char>(bytes[to]) < 0x7f))
					to--;
				PassOver over{firstLineEnd, to, {}, erased};
				// Only SGR sequences start with ESC in a run.
				const char *data = bytes.data();
				auto between = static_cast<std::size_t>(
				    std::count(data + firstLineEnd, data + to, '\n'));
				for (std::size_t i = firstLineEnd; i < to;) {
					const void *esc = std::memchr(data + i, 0x1b, to - i);
					if (!esc)
						break;
					i = static_cast<std::size_t>(
					    static_cast<const char *>(esc) - data);
					std::size_t sgr = sgrLength(bytes, i);
					over.sgr.append(bytes.substr(i, sgr));
					i += sgr;
				}
				// Worth it: more bytes passed over than line feeds put
				// in their place.
				if (to > firstLineEnd && between >= rows &&
				    to - firstLineEnd > 2 * rows)
					return over;
			}
		}
		if (end >= n)
			break;
		at = bytes[end] == 0x1b ? pastEscape(bytes, end) : end + 1;
	}
	return std::nullopt;
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
    nullptr,			      // moverect: damage the moved area instead
    nullptr,			      // movecursor
    VirtualScreenCallbacks::onTermProp,
    nullptr, // bell
    nullptr, // resize
    VirtualScreenCallbacks::onPushLine,
    nullptr, // sb_popline
};

} // namespace

void VirtualScreen::Deleter::operator()(VTerm *vt) const noexcept
{
	vterm_free(vt);
}

VirtualScreen::VirtualScreen(unsigned cols, unsigned rows, std::size_t scrollbackLines)
    : cols_(std::max(cols, kMinCols)), rows_(std::max(rows, 1u)), scrollbackLines_(scrollbackLines)
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
	vterm_screen_set_callbacks(
	    screen_, scrollbackLines_ > 0 ? &kCallbacks : &kCallbacksNoScrollback, this);
	// Full-screen programs (editors, top) draw on the alternate screen
	// and leave the normal one, with its scrollback, as it was.
	vterm_screen_enable_altscreen(screen_, 1);
	altScreen_ = false;
	cursorVisible_ = true;
	region_.reset();
	savedCursor_.reset();
	primaryPaint_.clear();
	tracker_.reset();
	utf8_.reset();
	vterm_screen_reset(screen_, 1);
	// A DECRC with nothing saved restores libvterm's zeroed pen (black
	// on black, not the default colours): save the initial state, as
	// terminals start with.
	constexpr std::string_view kStart = "\x1b"
					    "7";
	vterm_input_write(vt_.get(), kStart.data(), kStart.size());
	if (newlineMode_)
		feed("\x1b[20h");
	changed_.assign(rows_, false);
}

void VirtualScreen::feed(std::string_view input)
{
	std::string buffer;
	std::string_view bytes = utf8_.take(input, buffer);
	if (!passOver_ || scrollbackLines_ > 0) {
		feedValid(bytes);
		return;
	}
	std::size_t at = 0, noDrawingBefore = 0;
	while (auto over = findPassOver(bytes, at, rows_, noDrawingBefore)) {
		feedValid(bytes.substr(at, over->from - at));
		// Where the run starts, the parser must be in ground state, a
		// line feed on the bottom row must scroll the whole screen and a
		// cursor position mean the same row and column as in the run
		// (not on a double-width row).
		bool plain = plainRows();
		if (tracker_.inGround() && !region_ && !tracker_.modes().leftRightMargins &&
		    (plain || !over->drawing)) {
			feedValid(over->sgr);
			if (over->drawing) {
				// Nothing more: what is kept starts with a cursor position.
			} else if (over->erased && plain) {
				// Only the cursor must be as after the line feeds: on the
				// bottom row (the erase takes the rest). With a double
				// width row, the line feeds: a libvterm newer than 0.1.4
				// moves the width with the lines, so the full run leaves
				// plain rows only.
				feedValid("\x1b[" + std::to_string(rows_) + "H");
			} else {
				feedValid(std::string(rows_, '\n'));
			}
			passedOver_ += over->to - over->from;
		} else {
			feedValid(bytes.substr(over->from, over->to - over->from));
		}
		at = over->to;
	}
	feedValid(bytes.substr(at));
}

bool VirtualScreen::plainRows() const noexcept
{
	VTermState *state = vterm_obtain_state(vt_.get());
	for (unsigned row = 0; row < rows_; row++) {
		const VTermLineInfo *info = vterm_state_get_lineinfo(state, static_cast<int>(row));
		if (info->doublewidth || info->doubleheight)
			return false;
	}
	return true;
}

void VirtualScreen::feedValid(std::string_view bytes)
{
	// libvterm keeps to itself some state a paint() must carry: the
	// scroll region (DECSTBM), the saved cursor (DECSC) and the normal
	// screen while the alternate one shows. The tracker finds the bytes
	// where those change, so that they are caught just before libvterm
	// sees them.
	std::size_t fed = 0;
	for (std::size_t at = 0; at < bytes.size();) {
		auto event = tracker_.scan(bytes, at);
		if (event.action == ControlTracker::Action::None)
			break;
		onControl(event, bytes, fed);
		at = event.at + 1;
	}
	vterm_input_write(vt_.get(), bytes.data() + fed, bytes.size() - fed);
}

void VirtualScreen::onControl(ControlTracker::Event event, std::string_view bytes, std::size_t &fed)
{
	using Action = ControlTracker::Action;
	auto catchUp = [&] {
		vterm_input_write(vt_.get(), bytes.data() + fed, event.at - fed);
		fed = event.at;
	};
	switch (event.action) {
	case Action::None:
		break;
	case Action::Reset:
		region_.reset();
		savedCursor_.reset();
		break;
	case Action::SaveCursor:
		catchUp();
		saveCursor();
		break;
	case Action::AltScreen:
		// What came before, a switch in the same piece included, is on
		// the screen first.
		catchUp();
		if (!altScreen_)
			primaryPaint_ = paint();
		if (tracker_.params() == "1049")
			saveCursor();
		break;
	case Action::ScrollRegion:
		onScrollRegion();
		break;
	case Action::Cancel:
	case Action::Repeat:
		catchUp();
		vterm_input_write(vt_.get(), "\x18", 1);
		fed = event.at + 1;
		if (event.action == Action::Repeat)
			repeatLastCharacter(); // as xterm does
		break;
	case Action::Drop:
		fed = event.at + 1;
		break;
	}
}

void VirtualScreen::repeatLastCharacter()
{
	const std::string &lastCharacter = tracker_.lastCharacter();
	if (lastCharacter.empty())
		return; // nothing printed yet: terminals ignore it
	// The count is the first parameter, missing or 0 meaning 1.
	std::uint64_t count = 0;
	for (char c : tracker_.params()) {
		if (c < '0' || c > '9')
			break;
		count =
		    std::min<std::uint64_t>(count * 10 + static_cast<unsigned>(c - '0'), 1u << 30);
	}
	count = std::max<std::uint64_t>(count, 1);
	// Millions of repeats would take the player seconds each, and a
	// recorded user chooses the count. Once the whole screen has been
	// written over, the screen and the cursor repeat with a period
	// that divides cols * (cols / 2) (narrow characters wrap every
	// cols, wide ones every cols / 2): that many fewer give the same
	// screen, only less scrollback.
	const std::uint64_t period = std::uint64_t{cols_} * std::max(1u, cols_ / 2);
	const std::uint64_t settle = std::uint64_t{cols_} * rows_ + period;
	if (count > settle)
		count = settle + (count - settle) % period;
	std::string text;
	text.reserve(static_cast<std::size_t>(count) * lastCharacter.size());
	for (std::uint64_t n = 0; n < count; n++)
		text += lastCharacter;
	vterm_input_write(vt_.get(), text.data(), text.size());
}

std::string VirtualScreen::modes() const
{
	const auto &modes = tracker_.modes();
	std::string out;
	if (!modes.autowrap)
		out += "\x1b[?7l";
	if (modes.insert)
		out += "\x1b[4h";
	constexpr std::string_view kDesignators = "()*+";
	for (std::size_t g = 0; g < 4; g++) {
		char set = modes.charsets[g];
		if (set != 0 && set != 'B') { // ASCII, as plainModes() leaves them
			out += "\x1b";
			out += kDesignators[g];
			out += set;
		}
	}
	constexpr std::string_view kShifts[] = {"", "\x0e", "\x1bn", "\x1bo"};
	out += kShifts[modes.shifted & 3];
	return out; // origin mode: with the cursor, see cursorAndPen()
}

void VirtualScreen::saveCursor()
{
	VTermPos pos;
	vterm_state_get_cursorpos(vterm_obtain_state(vt_.get()), &pos);
	savedCursor_ = std::pair(static_cast<unsigned>(pos.row), static_cast<unsigned>(pos.col));
}

void VirtualScreen::onScrollRegion()
{
	// As libvterm takes it: a missing or 0 top is 1, a missing bottom
	// the last row, both bounded by the screen; a bottom above the top
	// resets the region to the whole screen.
	std::string_view params = tracker_.params();
	auto semi = params.find(';');
	std::uint64_t top = 1, bottom = rows_;
	auto number = [](std::string_view text) {
		std::uint64_t n = 0;
		for (char c : text) {
			if (c < '0' || c > '9')
				return std::uint64_t{0}; // ':' sub-parameters: not a number
			n = std::min<std::uint64_t>(n * 10 + static_cast<unsigned>(c - '0'),
						    1u << 20);
		}
		return n;
	};
	if (auto first = number(params.substr(0, semi)); first > 0)
		top = first;
	if (semi != std::string::npos && semi + 1 < params.size())
		if (auto second = number(params.substr(semi + 1)); second > 0)
			bottom = second;
	top = std::min<std::uint64_t>(top, rows_ + 1u);
	bottom = std::min<std::uint64_t>(bottom, rows_);
	if (bottom < top || (top == 1 && bottom == rows_))
		region_.reset();
	else
		region_ = std::pair(static_cast<unsigned>(top), static_cast<unsigned>(bottom));
}

void VirtualScreen::resize(unsigned cols, unsigned rows)
{
	cols = std::max(cols, kMinCols);
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
		vterm_screen_get_cell(
		    screen_, VTermPos{static_cast<int>(row), static_cast<int>(col)}, &cell);
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
	out += plainModes();
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
		out += "\x1b[" + std::to_string(region_->first) + ";" +
		       std::to_string(region_->second) + "r";
	// The saved cursor (DECSC, which a later DECRC or leaving the
	// alternate screen goes back to), over what the switch in
	// primaryPaint_ saved.
	if (savedCursor_)
		out += "\x1b[" + std::to_string(savedCursor_->first + 1) + ";" +
		       std::to_string(savedCursor_->second + 1) +
		       "H\x1b"
		       "7";
	return out + cursorAndPen();
}

std::string VirtualScreen::paintRow(unsigned row) const
{
	std::string out(plainModes());
	out += "\x1b[" + std::to_string(row + 1) + ";1H\x1b[0m\x1b[2K";
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
	auto moveTo = [](int row, int col) {
		return "\x1b[" + std::to_string(row + 1) + ";" + std::to_string(col + 1) + "H";
	};
	std::string look = sgrFor(pen) + (cursorVisible_ ? "\x1b[?25h" : "\x1b[?25l");
	int top = region_ ? static_cast<int>(region_->first) - 1 : 0;
	int bottom = region_ ? static_cast<int>(region_->second) - 1 : static_cast<int>(rows_) - 1;
	if (!tracker_.modes().origin)
		return modes() + moveTo(cursor.row, cursor.col) + look;
	if (cursor.row >= top && cursor.row <= bottom)
		// Setting origin mode homes the cursor; then rows count from
		// the region's top.
		return modes() + "\x1b[?6h" + moveTo(cursor.row - top, cursor.col) + look;
	// Outside the region in origin mode: only a DECRC puts the cursor
	// there (libvterm saves no origin mode), and only until the next
	// control sequence (libvterm bounds the cursor after each one). So
	// the look first, then the cursor by a DECRC (the saved cursor
	// becomes this one).
	return modes() + look + moveTo(cursor.row, cursor.col) +
	       "\x1b"
	       "7\x1b[?6h\x1b"
	       "8";
}

std::string VirtualScreen::rowText(unsigned row) const
{
	std::string text;
	if (row >= rows_)
		return text;
	VTermScreenCell cell;
	for (unsigned col = 0; col < cols_; col++) {
		vterm_screen_get_cell(
		    screen_, VTermPos{static_cast<int>(row), static_cast<int>(col)}, &cell);
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

} // namespace tlog::screen
