// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string_view>
#include <vector>

namespace tlog::term {

/// One key read from a terminal.
struct Key {
	enum class Kind { Byte, Escape, Up, Down, Right, Left };
	Kind kind = Kind::Byte;
	/// For Byte: the byte typed (a UTF-8 character comes byte by byte).
	char byte = 0;

	bool operator==(const Key &) const = default;
};

/// Reads what a terminal sends as it sends it, in reads of any size: the
/// bytes of typed keys, and escape sequences whole (CSI, SS3, OSC, DCS,
/// APC, PM, SOS), also when a read ends inside one.
///
/// The arrows (CSI or SS3 A-D, also with modifier parameters as in
/// CSI 1;2A) are keys. Every other sequence is dropped: those are the
/// terminal's answers (cursor position, device attributes, DECRQSS,
/// XTVERSION, colours), mouse and focus reports, paste markers and keys
/// with no meaning here. A legacy mouse report (CSI M) takes its three
/// raw bytes with it. A terminal writes an answer (or several) at once,
/// so what follows one in the same read is dropped too: keys typed in
/// that instant are lost rather than an answer's stray bytes taken as
/// keys.
///
/// An ESC followed in its read by a byte that starts no sequence (Alt and
/// a key) is dropped with it. An ESC that ends a read waits: when the next
/// read goes on with a sequence (a terminal's write cut in two), it is
/// that sequence; when it starts otherwise, or flush() comes first (the
/// caller's short timeout), it is the Escape key.
///
/// Memory is bounded: sequences are followed by state, not kept.
/// Pure: no I/O.
class KeyInput {
public:
	/// Appends the keys in @p bytes, one read from the terminal, to @p keys.
	/// Throws: std::bad_alloc.
	void feed(std::string_view bytes, std::vector<Key> &keys);
	/// The same, returned.
	/// Throws: std::bad_alloc.
	std::vector<Key> feed(std::string_view bytes)
	{
		std::vector<Key> keys;
		feed(bytes, keys);
		return keys;
	}

	/// True while an ESC that ended the last read waits for what follows.
	bool escapePending() const noexcept { return state_ == State::Escape; }
	/// Nothing followed in time: a waiting ESC is the Escape key, appended
	/// to @p keys.
	/// Throws: std::bad_alloc.
	void flush(std::vector<Key> &keys);

	/// Forgets a sequence under way.
	void reset() noexcept { *this = KeyInput(); }

private:
	enum class State {
		Ground,
		Escape,	      // after ESC
		Csi,	      // ESC [ parameters, intermediates
		Ss3,	      // ESC O, parameters
		String,	      // OSC, DCS, APC, PM, SOS: up to BEL or ST
		StringEscape, // ESC inside a string
		Swallow,      // the raw bytes of a legacy mouse report
	};
	/// Takes one byte; @p answer is set when a sequence that is no key ends.
	void step(unsigned char c, std::vector<Key> &keys, bool &answer);
	void startSequence(State state) noexcept;
	void onFinal(unsigned char c, std::vector<Key> &keys, bool &answer);

	State state_ = State::Ground;
	char leader_ = 0;	  // a CSI's private marker ('<', '=', '>', '?')
	bool plainParams_ = true; // the parameters so far are digits and ';'
	bool intermediates_ = false;
	bool params_ = false; // parameter bytes seen
	int swallow_ = 0;     // raw bytes still to come
};

} // namespace tlog::term
