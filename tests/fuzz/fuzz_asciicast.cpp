// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: any bytes as an asciicast file (source::AsciicastReader,
// versions 1, 2 and 3), read from a memfd through its /proc path with a
// small line bound (1 KiB, so that the v1 bound is met too). Properties:
// - reading ends in messages or a base::FormatError naming the file
//   ("PATH:LINE: ..." or "PATH: ..."), never another exception or a crash;
// - every message is a tlog v2.3 message that parses and decodes with the
//   strict decoder (ids from 1, no gap), its packet times never going back;
// - idleLimit() asked before reading gives what it gives after, or the
//   error reading gives.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_util.hpp"
#include "tlog/base/error.hpp"
#include "tlog/base/unique_fd.hpp"
#include "tlog/codec/chunk_decoder.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/source/asciicast_reader.hpp"

using tlog::base::FormatError;
using tlog::fuzz::fail;
using tlog::fuzz::require;

namespace {

constexpr std::size_t kMaxLine = 1024;

// The error must name @p path, with a line or without.
void requireNamesFile(const FormatError &e, const std::string &path)
{
	std::string_view text = e.what();
	require(text.substr(0, path.size()) == path && text.size() > path.size() + 2 &&
		    text[path.size()] == ':',
		std::string("error does not name the file: ") + e.what());
}

struct Outcome {
	std::optional<std::string> error;
	std::optional<std::chrono::microseconds> idleLimit;
};

// Reads @p path to its end, checking every message (of recording @p rec);
// with @p limitFirst, idleLimit() is asked before the first read().
Outcome readAll(const std::string &path, const std::string &rec, bool limitFirst)
{
	Outcome outcome;
	tlog::source::AsciicastReader reader(path, kMaxLine);
	tlog::codec::ChunkDecoder decoder;
	auto last = tlog::base::Timestamp::min();
	try {
		if (limitFirst)
			outcome.idleLimit = reader.idleLimit();
		while (auto raw = reader.read()) {
			std::vector<tlog::codec::Packet> packets;
			try {
				auto message = tlog::codec::parseMessage(raw->text, raw->location);
				require(message.envelope.rec == rec,
					"the recording id is not the file's name");
				require(!decoder.decode(message, raw->location, packets),
					"a gap in the message ids");
			} catch (const FormatError &e) {
				fail(std::string("a message the reader made does not decode: ") +
				     e.what() + "\n" + raw->text);
			}
			for (const auto &p : packets) {
				require(p.ts >= last, "packet times go back");
				last = p.ts;
			}
		}
		require(reader.finished(), "a file read to its end is not finished");
		if (!limitFirst)
			outcome.idleLimit = reader.idleLimit();
	} catch (const FormatError &e) {
		requireNamesFile(e, path);
		outcome.error = e.what();
	}
	return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	// A file of the input's bytes, opened again through /proc.
	tlog::base::UniqueFd fd(::memfd_create("fuzz.cast", MFD_CLOEXEC));
	require(fd.get() >= 0, "memfd_create failed");
	for (std::size_t done = 0; done < size;) {
		auto n = ::write(fd.get(), data + done, size - done);
		require(n > 0, "writing the memfd failed");
		done += static_cast<std::size_t>(n);
	}
	// The recording is named after the path's last part.
	std::string rec = std::to_string(fd.get());
	std::string path = "/proc/self/fd/" + rec;
	auto first = readAll(path, rec, true);
	auto after = readAll(path, rec, false);
	require(first.error == after.error, "asking idleLimit() first changed the error");
	if (!first.error)
		require(first.idleLimit == after.idleLimit,
			"idleLimit() differs before and after reading");
	return 0;
}
