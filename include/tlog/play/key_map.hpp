// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tlog/base/clock.hpp"
#include "tlog/play/position.hpp"
#include "tlog/term/key_input.hpp"

namespace tlog::play {

/// What a key asks of the player.
struct Command {
	enum class Kind {
		TogglePause,  ///< space, p
		Faster,	      ///< }: twice the speed
		Slower,	      ///< {: half the speed
		NormalSpeed,  ///< backspace
		Step,	      ///< .: the next output packet, paused or not
		StepBack,     ///< ,: paused, one output packet back
		SeekBy,	      ///< arrows: `by` from where playback is
		SeekStart,    ///< g
		GoTo,	      ///< G, after a typed time or alone (the end): `position`
		ToggleStatus, ///< s
		PromptShown,  ///< the '/' prompt opened or changed: draw `text`
		PromptClosed, ///< the prompt went (Enter, Escape, ^C, an arrow)
		Search,	      ///< Enter after '/': `text` forward ("": the last pattern)
		SearchNext,   ///< n
		SearchBack,   ///< N
		Quit,	      ///< q
	};
	Kind kind;
	base::Timestamp by{};
	PlayPosition position{};
	std::string text{};
	bool operator==(const Command &) const = default;
};

/// Turns keys into Commands: single keys, a time typed before 'G', and
/// the '/' prompt's line editing. Without a screen (the output is not a
/// terminal) nothing seeks by the screen: no arrows, ',', 'g' or '/'.
/// Pure.
class KeyMap {
public:
	/// Digits typed before 'G'.
	static constexpr std::size_t kMaxTyped = 32;
	/// A search pattern typed after '/'.
	static constexpr std::size_t kMaxPattern = 256;

	explicit KeyMap(bool screen) noexcept : screen_(screen) {}

	/// Appends what @p key asks to @p commands (a key that closes the
	/// prompt and then moves asks two things).
	/// Throws: std::bad_alloc.
	void onKey(const term::Key &key, std::vector<Command> &commands);

	/// The pattern being typed after '/', while the prompt is open.
	const std::optional<std::string> &prompt() const noexcept { return prompt_; }

private:
	void onByte(char c, std::vector<Command> &commands);
	void onPromptByte(char c, std::vector<Command> &commands);

	bool screen_;
	std::string typed_;		    // digits typed before 'G'
	std::optional<std::string> prompt_; // a '/' pattern being typed
};

} // namespace tlog::play
