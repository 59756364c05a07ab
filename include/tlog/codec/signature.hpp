// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tlog/base/c_free.hpp"

struct evp_pkey_st;
struct evp_md_ctx_st;

namespace tlog::codec {

/// Tamper evidence for a recording (see tlog-play(8), "Signed recordings").
///
/// Every message is chained: chain(0) = SHA-256("tlog-chain-1" NUL rec),
/// chain(n) = SHA-256(chain(n-1) || length(text) || text), where text is
/// the message's canonical form (formatMessage(); what the encoder
/// writes) and the length 8 bytes, big-endian. Some messages carry an
/// Ed25519 signature of signedStatement(): the recording id, the
/// message's id, whether it ends the recording, and the chain up to it.
/// A changed, dropped, inserted, reordered or replayed message changes
/// the chain; a recording cut short lacks its signed end.
using Digest = std::array<unsigned char, 32>;

/// The running hash of a recording's messages, in order.
class MessageChain {
public:
	/// Throws: std::runtime_error when the hash cannot be had (OpenSSL).
	explicit MessageChain(std::string_view rec);
	/// Adds the next message, in its canonical form.
	void add(std::string_view canonical);
	const Digest &value() const noexcept { return value_; }

private:
	void hash(std::string_view a, std::string_view b, std::string_view c);

	std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st *)> ctx_;
	Digest value_{};
};

/// The bytes a signature of message @p id signs.
std::string signedStatement(std::string_view rec, std::uint64_t id, bool end, const Digest &chain);

/// A host's private key (an Ed25519 key in PEM, as `openssl genpkey
/// -algorithm ed25519` writes it).
class SigningKey {
public:
	/// Throws: base::ConfigError naming @p name when the text is no
	/// Ed25519 private key.
	static SigningKey fromPem(std::string_view pem, std::string_view name);
	/// The signature of @p data, base64 (88 characters).
	/// Throws: std::runtime_error when OpenSSL fails.
	std::string sign(std::string_view data) const;

private:
	std::shared_ptr<evp_pkey_st> key_;
};

/// A host's public key (PEM, as `openssl pkey -pubout` writes it).
class VerifyKey {
public:
	/// Throws: base::ConfigError naming @p name when the text is no
	/// Ed25519 public key.
	static VerifyKey fromPem(std::string_view pem, std::string_view name);
	/// True when @p signature (base64) is this key's signature of @p data.
	bool verify(std::string_view data, std::string_view signature) const;

private:
	std::shared_ptr<evp_pkey_st> key_;
};

/// Signs a recording as it is written: add() every message in order.
/// Which ones to sign is the caller's choice: the first, the flush
/// points, the end.
class ChainSigner {
public:
	ChainSigner(SigningKey key, std::string_view rec);
	/// Adds message @p id (@p text as the encoder made it); with @p sign
	/// (or @p end), returns its signature, else an empty string.
	std::string add(std::uint64_t id, std::string_view text, bool sign, bool end);

private:
	SigningKey key_;
	std::string rec_;
	MessageChain chain_;
};

struct Message;

/// Checks one recording's messages, in the order read, against the
/// signatures among them.
class ChainVerifier {
public:
	explicit ChainVerifier(std::string_view rec);

	/// Takes the next message of the recording; @p key checks its
	/// signature (it may be null for a message without one). Returns
	/// why the recording is not intact at this message, or "".
	/// Throws: std::bad_alloc.
	std::string add(const Message &m, const VerifyKey *key);
	/// Once every message was added: why the recording is not intact as
	/// a whole (unsigned, a tail no signature covers, no signed end), or
	/// "".
	std::string atEnd() const;

	std::uint64_t messages() const noexcept { return count_; }
	std::uint64_t signatures() const noexcept { return signatures_; }
	/// The last message a valid signature covers (0: none).
	std::uint64_t lastSigned() const noexcept { return lastSigned_; }

private:
	std::string rec_;
	MessageChain chain_;
	std::uint64_t next_ = 1;
	std::uint64_t count_ = 0;
	std::uint64_t signatures_ = 0;
	std::uint64_t lastSigned_ = 0;
	bool ended_ = false;
};

} // namespace tlog::codec
