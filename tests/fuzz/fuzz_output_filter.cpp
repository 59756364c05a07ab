// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the filter between a recording and the auditor's terminal
// (play::OutputFilter). The first input byte gives where the rest is cut
// in two pieces; the rest is recorded output. Properties:
// - what comes out holds nothing that acts outside the screen: no OSC,
//   DCS, APC, PM or SOS, no ESC that is answered or changes the keys, no
//   window operation or report request, no input mode, no encoded C1
//   control;
// - fed whole, in two pieces or byte by byte, the output is the same;
// - filtered again, all of it passes (it was judged whole);
// - raw, everything passes unchanged, and what restore() writes for
//   filtered output turns no input mode off (none was passed).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "tlog/play/output_filter.hpp"

using tlog::fuzz::require;
using tlog::play::OutputFilter;

namespace {

bool isInputMode(std::string_view param)
{
	for (std::string_view mode :
	     {"1", "8", "9", "66", "67", "1000", "1001", "1002", "1003", "1004", "1005", "1006",
	      "1007", "1015", "1016", "2004", "2031", "2048"})
		if (param == mode)
			return true;
	return false;
}

// Why @p out is not safe for a terminal, or empty.
std::string unsafe(std::string_view out)
{
	for (std::size_t i = 0; i < out.size(); i++) {
		auto c = static_cast<unsigned char>(out[i]);
		if (c == 0xc2 && i + 1 < out.size() &&
		    static_cast<unsigned char>(out[i + 1]) >= 0x80 &&
		    static_cast<unsigned char>(out[i + 1]) <= 0x9f)
			return "an encoded C1 control";
		if (c != 0x1b)
			continue;
		if (i + 1 >= out.size())
			return "an ESC at the end";
		char next = out[i + 1];
		if (std::string_view("]P_^XZ=>k\\ %").find(next) != std::string_view::npos)
			return std::string("ESC ") + next;
		if (static_cast<unsigned char>(next) >= 0x80)
			return "ESC before a non-ASCII byte";
		if (next != '[')
			continue;
		std::size_t end = i + 2;
		while (end < out.size() && static_cast<unsigned char>(out[end]) >= 0x20 &&
		       static_cast<unsigned char>(out[end]) < 0x40)
			end++;
		if (end >= out.size())
			return "a CSI cut short";
		auto f = static_cast<unsigned char>(out[end]);
		if (f < 0x40 || f > 0x7e)
			return "a CSI with a stray byte";
		std::string_view seq = out.substr(i, end + 1 - i);
		bool leader = seq.size() > 3 && seq[2] >= 0x3c && seq[2] <= 0x3f;
		bool intermediate = static_cast<unsigned char>(seq[seq.size() - 2]) < 0x30;
		if (!intermediate && std::string_view("tcnqxiy").find(static_cast<char>(f)) !=
					 std::string_view::npos)
			return "CSI final " + std::string(1, static_cast<char>(f));
		if (!intermediate && leader && (f == 'u' || f == 'm'))
			return "CSI with a leader, final " + std::string(1, static_cast<char>(f));
		if (intermediate && seq[seq.size() - 2] == '$' && f == 'p')
			return "DECRQM";
		if (intermediate && (f == 'h' || f == 'l' || (leader && f == 'u')))
			return "a mode or keyboard sequence with an intermediate";
		if (leader && seq[2] == '?' && (f == 'h' || f == 'l' || f == 's' || f == 'r')) {
			std::string_view params = seq.substr(3, seq.size() - 4);
			for (;;) {
				auto semi = params.find(';');
				if (isInputMode(params.substr(0, semi)))
					return "input mode " + std::string(params.substr(0, semi));
				if (semi == std::string_view::npos)
					break;
				params.remove_prefix(semi + 1);
			}
		}
		i = end;
	}
	return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size == 0)
		return 0;
	std::string_view in(reinterpret_cast<const char *>(data + 1), size - 1);
	std::size_t cut = in.empty() ? 0 : data[0] % (in.size() + 1);

	OutputFilter whole;
	std::string out = whole.filter(in);
	auto why = unsafe(out);
	require(why.empty(), "unsafe output: " + why);

	OutputFilter split;
	std::string pieces;
	split.feed(in.substr(0, cut), pieces);
	split.feed(in.substr(cut), pieces);
	require(pieces == out, "two pieces differ from the whole");
	OutputFilter bytes;
	std::string single;
	for (char c : in)
		bytes.feed(std::string_view(&c, 1), single);
	require(single == out, "byte by byte differs from the whole");
	require(split.restore() == whole.restore(), "restore() depends on the pieces");

	// Judged whole: all of it passes again (a lone 0xc2 at the end waits
	// for the next byte: "." ends it).
	require(OutputFilter().filter(out + ".") == out + ".", "filtered twice differs");
	auto restore = whole.restore();
	require(unsafe(restore).empty(), "unsafe restore()");

	OutputFilter raw(true);
	require(raw.filter(in) == in, "raw output changed");
	return 0;
}
