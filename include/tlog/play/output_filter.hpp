// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <bitset>
#include <cstddef>
#include <string>
#include <string_view>

namespace tlog::play {

/// What of a recording's output may reach the auditor's terminal: a
/// streaming ECMA-48 parser that takes the output in pieces of any size
/// (a sequence may be split between packets or messages) and keeps what
/// draws or moves on the screen (control sequences from a list of those
/// known to), dropping what acts outside it:
///
/// - every OSC (titles, colours, the clipboard, hyperlinks,
///   notifications, the working directory), DCS (DECRQSS, XTGETTCAP, tmux
///   passthrough, sixel), APC, PM and SOS string, whole;
/// - window operations (CSI t) and everything that makes a terminal
///   answer (DA, DSR, DECRQM, XTVERSION, DECREQTPARM, DECID, the kitty
///   keyboard and XTMODKEYS queries, checksum and locator requests);
/// - the modes that only change what the terminal sends (mouse, focus,
///   bracketed paste, application cursor keys and keypad, the kitty
///   keyboard protocol, modifyOtherKeys, keyboard lock) and a few that act
///   outside the screen (Tek window, logging, printing, selection);
///   a mode sequence that also sets screen modes keeps those;
/// - ESC sequences that answer or switch the terminal's controls (DECID,
///   S7C1T/S8C1T, leaving UTF-8), the keypad modes and screen's and tmux's
///   window name (ESC k, whose text then shows);
/// - C1 controls encoded in UTF-8 (U+0080-U+009F), which terminals that
///   decode first take as controls: they become U+FFFD, as the player's
///   screen::VirtualScreen shows them.
///
/// Text, C0 controls and invalid UTF-8 pass unchanged. CAN and SUB end a
/// sequence, BEL or ST an OSC (and, as libvterm has it, any string). A
/// sequence is held until it is complete (at most kMaxSequence bytes; a
/// longer one is dropped), strings are followed by their state only, so
/// memory stays bounded whatever the input.
///
/// It also follows the modes the output it passed changed (and, through
/// note(), the player's own paints) so that restore() can put the
/// terminal back. With @p raw everything passes unchanged (upstream
/// tlog-play's way), and restore() then also turns off the input modes
/// the recording turned on.
///
/// Pure: no I/O.
class OutputFilter {
public:
	/// The longest escape sequence held (a longer one is dropped).
	static constexpr std::size_t kMaxSequence = 256;

	explicit OutputFilter(bool raw = false) noexcept : raw_(raw) {}

	/// Appends to @p out what of @p data (the next piece of recorded
	/// output) may reach the terminal. An incomplete sequence at the end
	/// is held for the next piece.
	/// Throws: std::bad_alloc.
	void feed(std::string_view data, std::string &out);
	/// The same, returned.
	/// Throws: std::bad_alloc.
	std::string filter(std::string_view data)
	{
		std::string out;
		feed(data, out);
		return out;
	}

	/// Follows the modes set by @p own, sequences the player writes to
	/// the terminal itself (a paint of its screen::VirtualScreen): not filtered,
	/// and the held state of the recorded output is left alone.
	/// Throws: std::bad_alloc.
	void note(std::string_view own);

	/// The recorded output stops here and goes on from elsewhere (a jump):
	/// a sequence held or a string under way is forgotten.
	void cut() noexcept;

	/// Sequences that put the terminal back to its usual modes from what
	/// the output (and note()) changed: the plain modes of
	/// screen::VirtualScreen::plainModes(), no scroll region or left and right
	/// margins, no newline mode or reverse video, the cursor shown in its
	/// default style, default colours and attributes, synchronized output
	/// off; with raw also the input modes, keypad, kitty keyboard flags and
	/// modifyOtherKeys. Not the normal screen: the alternate one (a
	/// full-screen program the recording ended in) stays with what it
	/// shows. Empty when nothing was changed.
	/// Throws: std::bad_alloc.
	std::string restore() const;

	bool raw() const noexcept { return raw_; }

private:
	enum class State {
		Ground,
		Utf8Lead,     // a 0xc2 that may start an encoded C1 control
		Escape,	      // ESC and intermediates held in seq_
		EscapeIgnore, // an overlong or broken ESC sequence, up to its final
		Csi,	      // ESC [ and what follows held in seq_
		CsiIgnore,    // an overlong or broken CSI, up to its final
		String,	      // OSC, DCS, APC, PM, SOS: dropped up to BEL or ST
		StringEscape, // ESC inside a string
	};
	// How far the parser got in one stream of bytes.
	struct Parser {
		State state = State::Ground;
		std::string seq;      // the sequence held (bounded by kMaxSequence)
		bool afterC2 = false; // the last byte passed was a lone 0xc2
	};

	/// Takes one byte; @p out receives what passes, nullptr: nothing
	/// judged, only followed (raw, note()).
	void step(Parser &parser, unsigned char c, std::string *out);
	/// Passes one byte of text or a C0 control.
	void put(Parser &parser, unsigned char c, std::string *out);
	void onEscape(Parser &parser, unsigned char final, std::string *out);
	void onCsi(Parser &parser, std::string *out);
	/// Follows what a sequence that reaches the terminal does to its modes.
	void trackEscape(std::string_view seq) noexcept;
	void trackCsi(std::string_view seq) noexcept;
	void trackMode(bool dec, int mode, bool set) noexcept;

	bool raw_;
	Parser recorded_;

	// What the terminal has been through, for restore().
	struct Changed {
		bool pen = false;	   // SGR
		bool plain = false;	   // autowrap, insert, origin, charsets, shift
		bool newline = false;	   // LNM
		bool reverse = false;	   // DECSCNM
		bool region = false;	   // DECSTBM
		bool margins = false;	   // DECLRMM
		bool cursorHidden = false; // DECTCEM
		bool cursorStyle = false;  // DECSCUSR
		bool synchronized = false; // mode 2026
		bool keypad = false;	   // DECKPAM (raw only)
		bool modifyKeys = false;   // XTMODKEYS (raw only)
		bool keyboardLock = false; // KAM (raw only)
		bool localEcho = false;	   // SRM (raw only)
	} changed_;
	int kittyPushes_ = 0; // kitty keyboard flags pushed (raw only)
	static constexpr std::size_t kInputModeCount = 29;
	std::bitset<kInputModeCount> inputModes_; // turned away from their default
};

} // namespace tlog::play
