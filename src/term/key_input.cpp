// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/term/key_input.hpp"

namespace tlog::term {

namespace {

constexpr unsigned char kEsc = 0x1b;

bool cancels(unsigned char c) noexcept
{
	return c == 0x18 || c == 0x1a; // CAN, SUB
}

bool startsSequence(unsigned char c) noexcept
{
	return c == '[' || c == 'O' || c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X';
}

} // namespace

void KeyInput::feed(std::string_view bytes, std::vector<Key> &keys)
{
	// An ESC that ended the last read: a sequence cut in two, or the key.
	if (escapePending() && !bytes.empty() &&
	    !startsSequence(static_cast<unsigned char>(bytes[0])))
		flush(keys);
	bool answer = false;
	for (char c : bytes)
		step(static_cast<unsigned char>(c), keys, answer);
}

void KeyInput::flush(std::vector<Key> &keys)
{
	if (!escapePending())
		return;
	state_ = State::Ground;
	keys.push_back(Key{Key::Kind::Escape});
}

void KeyInput::startSequence(State state) noexcept
{
	state_ = state;
	leader_ = 0;
	plainParams_ = true;
	intermediates_ = false;
	params_ = false;
}

void KeyInput::step(unsigned char c, std::vector<Key> &keys, bool &answer)
{
	switch (state_) {
	case State::Ground:
		if (c == kEsc)
			state_ = State::Escape;
		else if (!answer)
			keys.push_back(Key{Key::Kind::Byte, static_cast<char>(c)});
		return;
	case State::Escape:
		switch (c) {
		case '[':
			startSequence(State::Csi);
			return;
		case 'O':
			startSequence(State::Ss3);
			return;
		case ']': // OSC
		case 'P': // DCS
		case '_': // APC
		case '^': // PM
		case 'X': // SOS
			state_ = State::String;
			return;
		case kEsc: // the one before was the Escape key
			if (!answer)
				keys.push_back(Key{Key::Kind::Escape});
			return;
		default: // Alt and a key, CAN, SUB: nothing here
			state_ = State::Ground;
			return;
		}
	case State::Csi:
	case State::Ss3:
		if (cancels(c)) {
			state_ = State::Ground;
		} else if (c == kEsc) {
			state_ = State::Escape;
		} else if (c < 0x20 || c >= 0x7f) {
			// Controls and DEL are ignored inside a sequence.
		} else if (c < 0x30) {
			intermediates_ = true;
		} else if (c < 0x40) {
			if (!params_ && c >= 0x3c)
				leader_ = static_cast<char>(c);
			else if (intermediates_ || (c != ';' && (c < '0' || c > '9')))
				plainParams_ = false;
			params_ = true;
		} else {
			onFinal(c, keys, answer);
		}
		return;
	case State::String:
		if (c == 0x07 || cancels(c)) { // BEL ends it (OSC), CAN and SUB cancel
			state_ = State::Ground;
			answer = true;
		} else if (c == kEsc) {
			state_ = State::StringEscape;
		}
		return;
	case State::StringEscape:
		answer = true;
		if (c == '\\') { // ST
			state_ = State::Ground;
			return;
		}
		// ESC ends the string and starts a sequence.
		state_ = State::Escape;
		step(c, keys, answer);
		return;
	case State::Swallow:
		if (--swallow_ <= 0)
			state_ = State::Ground;
		return;
	}
}

void KeyInput::onFinal(unsigned char c, std::vector<Key> &keys, bool &answer)
{
	bool csi = state_ == State::Csi;
	state_ = State::Ground;
	if (c >= 'A' && c <= 'D' && leader_ == 0 && !intermediates_ && plainParams_) {
		constexpr Key::Kind kArrows[] = {Key::Kind::Up, Key::Kind::Down, Key::Kind::Right,
						 Key::Kind::Left};
		if (!answer)
			keys.push_back(Key{kArrows[c - 'A']});
		return;
	}
	if (!csi)
		return; // SS3: a function or keypad key, no answer
	if (c == 'M' && !params_ && !intermediates_) {
		// A legacy (X10) mouse report: button, column, row as raw bytes.
		state_ = State::Swallow;
		swallow_ = 3;
	}
	answer = true;
}

} // namespace tlog::term
