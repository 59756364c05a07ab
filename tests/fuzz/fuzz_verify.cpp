// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the signature verifier. The input is a few recording lines;
// each that parses goes to a ChainVerifier with a fixed test key (the
// seeds are recordings signed with it, intact, cut and with a line
// dropped). Nothing may crash; a verdict is a sentence; the canonical form
// a signature covers is a fixed point (formatMessage() of its own parse is
// itself), or two texts could verify as one; and a recording the verifier
// calls intact has its end marked and signed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "tlog/base/error.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/codec/signature.hpp"

using tlog::codec::ChainVerifier;
using tlog::codec::Message;
using tlog::fuzz::require;
using tlog::fuzz::requireLocated;

namespace {

constexpr std::size_t kMaxLines = 16;

// A key for tests only: tests/fuzz/corpus/verify was signed with its
// private half.
constexpr const char *kPublicKey = "-----BEGIN PUBLIC KEY-----\n"
				   "MCowBQYDK2VwAyEAVk1WhM+zTzFlTGx6hRoEQiqit2Z7TI2p5xWliTyB0fo=\n"
				   "-----END PUBLIC KEY-----\n";

const tlog::codec::VerifyKey &key()
{
	static const auto k = tlog::codec::VerifyKey::fromPem(kPublicKey, "fuzz key");
	return k;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<const char *>(data), size);
	std::optional<ChainVerifier> chain;
	std::string broken;
	bool lastEnded = false;
	for (std::size_t n = 1; n <= kMaxLines && !input.empty(); n++) {
		auto eol = input.find('\n');
		std::string_view line = input.substr(0, eol);
		input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
		const std::string location = "fuzz.log:" + std::to_string(n);
		Message m;
		try {
			m = tlog::codec::parseMessage(line, location);
		} catch (const tlog::base::FormatError &e) {
			requireLocated(e, location);
			continue;
		}
		auto canonical = tlog::codec::formatMessage(m);
		Message again = tlog::codec::parseMessage(canonical, "canonical");
		require(tlog::codec::formatMessage(again) == canonical,
			"the canonical form is not a fixed point");
		if (!chain)
			chain.emplace(m.envelope.rec);
		if (!broken.empty())
			continue;
		broken = chain->add(m, &key());
		lastEnded = m.end && !m.signature.empty();
	}
	if (!chain)
		return 0;
	if (broken.empty())
		broken = chain->atEnd();
	require(broken.empty() || broken.find(' ') != std::string::npos, "a verdict without words");
	if (broken.empty())
		require(lastEnded && chain->signatures() > 0 &&
			    chain->lastSigned() == chain->messages(),
			"intact without a signed end");
	return 0;
}
