// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlog/screen/control_tracker.hpp"
#include "tlog/screen/utf8_sanitizer.hpp"

struct VTerm;
struct VTermScreen;

namespace tlog::screen {

/// A terminal emulated in memory (libvterm): what the recording's output
/// shows on a screen of the recorded size. The player keeps one to seek
/// (a snapshot is the paint() of a moment, replayed into a fresh screen),
/// to search the text as it was shown, and to export the final screen.
///
/// Pure: no I/O.
class VirtualScreen {
public:
	/// A screen of @p cols x @p rows (at least 2x1) that keeps up to
	/// @p scrollbackLines lines that scroll off its top (0: none).
	VirtualScreen(unsigned cols, unsigned rows, std::size_t scrollbackLines = 0);
	~VirtualScreen();
	VirtualScreen(const VirtualScreen &) = delete;
	VirtualScreen &operator=(const VirtualScreen &) = delete;

	/// Interprets terminal output, as the terminal would have: invalid
	/// UTF-8 shows as U+FFFD; a character cut at the end waits for the
	/// rest.
	void feed(std::string_view bytes);
	/// From now on feed() passes over output that nothing could show:
	/// within one feed, a run of plain lines (text, tabs, CR LF, SGR)
	/// longer than the screen goes to libvterm as its first line, its SGR
	/// sequences and a screen of line feeds, then its last screen of
	/// lines; or, when the whole screen is erased right after the run,
	/// the cursor put on the bottom row and the last line only. Likewise a
	/// drawing (text, cursor positions, erases, SGR) that the whole
	/// screen's erase follows: what comes before its first character and
	/// from its last cursor position on, and its SGR sequences. The
	/// screen, the cursor and the pen end as with the whole output, for
	/// far less work (libvterm moves the screen for every line that
	/// scrolls). Only on a screen without scrollback (the lines passed
	/// over would be missing there), and not where the scroll region or
	/// left and right margins are set.
	void passOverScrolledOff(bool on) noexcept { passOver_ = on; }
	/// The bytes passed over so far (see passOverScrolledOff()).
	std::uint64_t passedOver() const noexcept { return passedOver_; }
	/// Changes the size as a window change does; text is kept where it fits.
	void resize(unsigned cols, unsigned rows);
	/// Forgets everything shown: an empty screen of the same size (and
	/// newline mode).
	void clear();
	/// Newline mode (LNM): a line feed also returns the carriage, as
	/// output written to a pipe rather than a pty expects.
	void setNewlineMode(bool on);

	unsigned cols() const noexcept { return cols_; }
	unsigned rows() const noexcept { return rows_; }
	/// True while the alternate screen (full-screen programs) shows.
	bool altScreen() const noexcept { return altScreen_; }
	/// False while output stopped inside a control sequence, a string
	/// (OSC, DCS) or a UTF-8 character: paint() cannot carry that, so a
	/// snapshot waits for a settled screen.
	bool settled() const noexcept { return tracker_.inGround() && !utf8_.pending(); }

	/// Escape sequences that put this screen (characters, attributes,
	/// colours, cursor position and visibility, the pen, the scroll
	/// region, the saved cursor, the modes of cursorAndPen(), and while a
	/// full-screen program shows, the normal screen under the alternate
	/// one) on a terminal of the same size, whatever it showed before.
	/// Feeding them to another VirtualScreen of this size reproduces
	/// this one. Not carried: tab stops, double-width lines, the modes
	/// of input (keypad, mouse), the window title.
	std::string paint() const;
	/// Escape sequences that redraw row @p row (0-based; a row beyond
	/// the screen is erased), in plainModes(). The cursor is left on
	/// that row: follow with cursorAndPen().
	std::string paintRow(unsigned row) const;
	/// Escape sequences that, after plainModes(), put back how output
	/// lands on this screen: the modes (autowrap, insert, origin, the
	/// character sets and the one shifted in), the cursor where it is
	/// with its visibility, and the attributes and colours of the pen.
	std::string cursorAndPen() const;
	/// The modes the player draws its own text in (status line, prompt)
	/// and paint() its rows: a terminal's defaults (autowrap on, insert
	/// and origin off, ASCII in G0-G3, G0 shifted in). Homes the cursor.
	static constexpr std::string_view plainModes() noexcept
	{
		return "\x1b[?6l\x1b[4l\x1b[?7h\x1b(B\x1b)B\x1b*B\x1b+B\x0f";
	}
	/// The text of row @p row (0-based) as UTF-8, trailing blanks dropped.
	std::string rowText(unsigned row) const;
	/// All rows, each ending in a newline, trailing empty rows dropped.
	std::string text() const;
	/// Lines that scrolled off the top, oldest first (bounded by the
	/// constructor's @p scrollbackLines), each without its newline.
	const std::deque<std::string> &scrollback() const noexcept { return scrollback_; }

	/// Rows whose cells changed since the last call, in order.
	std::vector<unsigned> takeChangedRows();

private:
	friend struct VirtualScreenCallbacks; // libvterm's callbacks, in the .cpp
	void setUp();
	/// feed() of valid UTF-8, all of it.
	void feedValid(std::string_view bytes);
	/// No row is double-width or double-height (DECDWL, DECDHL).
	bool plainRows() const noexcept;
	void onScrollRegion();
	void saveCursor();
	void repeatLastCharacter(); // REP, for libvterm (see ControlTracker)
	/// Acts at byte @p at of @p bytes as the tracker says, feeding
	/// libvterm up to there first where the action needs it (@p fed:
	/// how far libvterm got).
	void onControl(ControlTracker::Event event, std::string_view bytes, std::size_t &fed);
	/// Sequences that set modes_ but origin mode (with the cursor, in
	/// cursorAndPen()) on a terminal in plainModes().
	std::string modes() const;
	/// Row @p row's cells from the first column to its last non-blank,
	/// with the SGR sequences that change from @p look (updated).
	std::string rowPaint(unsigned row, std::string &look) const;

	struct Deleter {
		void operator()(VTerm *vt) const noexcept;
	};
	std::unique_ptr<VTerm, Deleter> vt_;
	VTermScreen *screen_ = nullptr; // owned by vt_
	unsigned cols_, rows_;
	std::size_t scrollbackLines_;
	bool newlineMode_ = false;
	bool passOver_ = false;
	std::uint64_t passedOver_ = 0;
	bool altScreen_ = false;
	bool cursorVisible_ = true;
	Utf8Sanitizer utf8_;	 // whole, valid characters for libvterm
	ControlTracker tracker_; // the sequences, and the modes libvterm keeps to itself
	std::optional<std::pair<unsigned, unsigned>> region_; // DECSTBM, 1-based
	std::string primaryPaint_; // the normal screen, while the alternate shows
	std::optional<std::pair<unsigned, unsigned>> savedCursor_; // DECSC: row, column (0-based)
	std::deque<std::string> scrollback_;
	std::vector<bool> changed_;
};

} // namespace tlog::screen
