// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tlog::screen {

/// Follows terminal output as ECMA-48 frames it (escape and control
/// sequences, strings), for what VirtualScreen must know and libvterm
/// keeps to itself: the modes that decide how later output lands, the
/// last character printed, whether a sequence is still open, and the
/// bytes at which the screen has to act before libvterm sees them (a
/// cursor save, the switch to the alternate screen, a scroll region) or
/// instead of it (sequences libvterm 0.1.4 gets wrong). The input is
/// valid UTF-8 (Utf8Sanitizer's).
///
/// Pure: no I/O.
class ControlTracker {
public:
	/// The modes that decide how later output lands (paint() carries them).
	struct Modes {
		bool autowrap = true; ///< DECAWM
		bool insert = false;  ///< IRM
		bool origin = false;  ///< DECOM: the cursor moves within the region
		/// DECLRMM: left and right margins (DECSLRM) may be set;
		/// paint() does not carry them.
		bool leftRightMargins = false;
		char charsets[4] = {0, 0, 0, 0}; ///< G0-G3 as designated, 0: not
		int shifted = 0;		 ///< which of them is in GL
	};

	/// What the screen does at a byte.
	enum class Action {
		None,	      ///< nothing: the bytes go to libvterm as they are
		Reset,	      ///< RIS ends here: the screen's region and saved cursor go
		SaveCursor,   ///< DECSC or SCOSC ends here: saved before libvterm sees it
		AltScreen,    ///< the switch to the alternate screen ends here (params())
		ScrollRegion, ///< DECSTBM ends here (params())
		/// A CSI with more arguments than libvterm keeps: cancelled (CAN)
		/// before this byte, which is not for libvterm.
		Cancel,
		Drop, ///< a byte of a cancelled sequence: not for libvterm
		/// REP ends here: not for libvterm (cancelled with CAN); the
		/// screen repeats lastCharacter() itself (params()).
		Repeat,
	};
	struct Event {
		Action action;
		std::size_t at; ///< the byte's index
	};

	/// Follows @p bytes from index @p from up to the first byte at which
	/// the screen acts, and says which; Action::None at bytes.size() when
	/// none does.
	Event scan(std::string_view bytes, std::size_t from) noexcept;

	/// False while output stopped inside a control sequence or a string.
	bool inGround() const noexcept { return parse_ == Parse::Ground; }
	const Modes &modes() const noexcept { return modes_; }
	/// The parameters of the last control sequence ("-" after an
	/// intermediate byte: not one followed).
	const std::string &params() const noexcept { return csiParams_; }
	/// The last character printed (UTF-8), for REP.
	const std::string &lastCharacter() const noexcept { return lastCharacter_; }
	/// As a fresh terminal: nothing open, nothing printed, default modes.
	void reset() noexcept;

private:
	enum class Parse {
		Ground,
		Escape,
		EscapeIntermediate,
		Csi,
		CsiDropped,
		String,
		StringEscape
	};
	Action step(unsigned char c) noexcept;
	/// In ground state: past the plain text from @p from on.
	std::size_t skipPlain(std::string_view bytes, std::size_t from) noexcept;
	Action onEscapeByte(unsigned char c) noexcept;
	Action onCsiByte(unsigned char c) noexcept;
	Action onCsiFinal(unsigned char c) noexcept;
	void onSetMode(bool set) noexcept; // SM, RM: the modes paint() carries

	Parse parse_ = Parse::Ground;
	std::string lastCharacter_;
	std::string csiParams_;
	bool csiPrivate_ = false;
	char csiLeader_ = 0;	   // '?', '>', '<', '=' or 0
	char escIntermediate_ = 0; // the one of an ESC sequence (ESC ( 0), or 0
	int csiSeparators_ = 0;
	Modes modes_;
};

} // namespace tlog::screen
