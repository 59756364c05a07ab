// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tlog/play/output_filter.hpp"

namespace tlog::play {

/// What the player writes where the output goes (the auditor's terminal,
/// or a file or pipe), gathered between writes: the recorded output,
/// through an OutputFilter when it is a terminal (unless raw), and the
/// player's own sequences (paints, the prompt, size requests), noted by
/// the filter so that restoreModes() puts back what either changed.
/// Typed input goes to its own fd (--input) when there is one. The fds
/// are borrowed.
class TerminalOutput {
public:
	/// Gathered output is written once it reaches this many bytes (a
	/// burst of large packets played fast gathers no more).
	static constexpr std::size_t kFlushBytes = 64 * 1024;

	/// @p fd gets the output; a terminal gets it filtered unless
	/// @p rawOutput. @p inputFd gets typed input; -1: nowhere.
	TerminalOutput(int fd, bool rawOutput, int inputFd);

	int fd() const noexcept { return fd_; }
	bool isTerminal() const noexcept { return isTerminal_; }

	/// Recorded output.
	/// Throws: std::bad_alloc.
	void recorded(std::string_view data);
	/// Recorded input (kept only when there is an input fd).
	/// Throws: std::bad_alloc.
	void typed(std::string_view data);
	/// The player's own sequences that the filter need not follow.
	/// Throws: std::bad_alloc.
	void append(std::string_view own) { pending_ += own; }
	/// A paint of the screen; @p jumped: the recorded output goes on from
	/// elsewhere, so a sequence it held is not completed by what comes
	/// next.
	/// Throws: std::bad_alloc.
	void paint(std::string_view paint, bool jumped);

	bool empty() const noexcept { return pending_.empty(); }
	bool full() const noexcept { return pending_.size() >= kFlushBytes; }
	/// Writes the output gathered, between @p before and @p after (the
	/// status line's restore and redraw), and empties it. The buffers keep
	/// their memory for the next round: giving back and taking again
	/// 64 KiB a round made the heap shrink and grow with brk(2) and page
	/// faults, a third of a fast playback's time.
	/// Throws: std::system_error, std::bad_alloc.
	void flush(std::string_view before = {}, std::string_view after = {});
	/// Writes @p data to the output fd.
	/// Throws: std::system_error.
	void write(std::string_view data);
	/// Writes the typed input gathered to its fd.
	/// Throws: std::system_error.
	void writeTyped();

	/// What puts back the terminal's modes the output and the paints
	/// changed; empty when it is no terminal or nothing changed.
	/// Throws: std::bad_alloc.
	std::string restoreModes() const;

private:
	int fd_;
	int inputFd_;
	bool isTerminal_;
	OutputFilter filter_;	   // between the recording and a terminal
	std::string pending_;	   // output gathered
	std::string framed_;	   // flush()'s output with what goes around it
	std::string pendingInput_; // typed input for inputFd_
};

} // namespace tlog::play
