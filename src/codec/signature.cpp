// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/codec/signature.hpp"

#include <stdexcept>
#include <string>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tlog/base/error.hpp"
#include "tlog/codec/message.hpp"

namespace tlog::codec {

namespace {

constexpr std::string_view kChainLabel{"tlog-chain-1\0", 13};
constexpr std::string_view kStatementLabel{"tlog-sig-1\0", 11};
constexpr std::size_t kSignatureSize = 64;

std::string bigEndian(std::uint64_t v)
{
	std::string out(8, '\0');
	for (int i = 7; i >= 0; i--, v >>= 8)
		out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
	return out;
}

std::string toBase64(std::string_view bytes)
{
	std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
	int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
				reinterpret_cast<const unsigned char *>(bytes.data()),
				static_cast<int>(bytes.size()));
	out.resize(static_cast<std::size_t>(n));
	return out;
}

// Exactly kSignatureSize bytes, or nullopt.
std::optional<std::string> signatureBytes(std::string_view text)
{
	if (text.size() != 4 * ((kSignatureSize + 2) / 3))
		return std::nullopt;
	std::string out(text.size(), '\0');
	int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
				reinterpret_cast<const unsigned char *>(text.data()),
				static_cast<int>(text.size()));
	// EVP_DecodeBlock counts the padding's zero bytes: 64 bytes take 88
	// characters, two of them "=".
	if (n != 66 || text.substr(text.size() - 2) != "==")
		return std::nullopt;
	out.resize(kSignatureSize);
	return out;
}

using Bio = std::unique_ptr<BIO, base::CFree<BIO_free>>;

std::shared_ptr<evp_pkey_st> readPem(std::string_view pem, bool isPrivate, std::string_view name)
{
	Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
	if (!bio)
		throw std::bad_alloc();
	EVP_PKEY *key = isPrivate ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
				  : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
	std::shared_ptr<evp_pkey_st> owned(key, EVP_PKEY_free);
	const char *what = isPrivate ? "private" : "public";
	if (!owned)
		throw base::ConfigError(std::string(name) + ": not a PEM " + what +
					" key (make one with: openssl genpkey -algorithm ed25519)");
	if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519)
		throw base::ConfigError(std::string(name) + ": not an Ed25519 " + what + " key");
	return owned;
}

} // namespace

MessageChain::MessageChain(std::string_view rec) : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free)
{
	if (!ctx_)
		throw std::bad_alloc();
	hash(kChainLabel, rec, {});
}

namespace {

// Fetched once: EVP_sha256() makes every init look the algorithm up
// again, which costs more than hashing a short message.
const EVP_MD *sha256()
{
	static EVP_MD *md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
	if (md == nullptr)
		throw std::runtime_error("SHA-256 is not available (OpenSSL)");
	return md;
}

} // namespace

void MessageChain::hash(std::string_view a, std::string_view b, std::string_view c)
{
	unsigned int n = 0;
	bool ok = EVP_DigestInit_ex2(ctx_.get(), sha256(), nullptr) == 1 &&
		  EVP_DigestUpdate(ctx_.get(), a.data(), a.size()) == 1 &&
		  EVP_DigestUpdate(ctx_.get(), b.data(), b.size()) == 1 &&
		  EVP_DigestUpdate(ctx_.get(), c.data(), c.size()) == 1 &&
		  EVP_DigestFinal_ex(ctx_.get(), value_.data(), &n) == 1 && n == value_.size();
	if (!ok)
		throw std::runtime_error("SHA-256 failed (OpenSSL)");
}

void MessageChain::add(std::string_view canonical)
{
	Digest previous = value_;
	std::string length = bigEndian(canonical.size());
	hash(std::string_view(reinterpret_cast<const char *>(previous.data()), previous.size()),
	     length, canonical);
}

std::string signedStatement(std::string_view rec, std::uint64_t id, bool end, const Digest &chain)
{
	std::string out(kStatementLabel);
	out += bigEndian(rec.size());
	out += rec;
	out += bigEndian(id);
	out += end ? '\1' : '\0';
	out.append(reinterpret_cast<const char *>(chain.data()), chain.size());
	return out;
}

SigningKey SigningKey::fromPem(std::string_view pem, std::string_view name)
{
	SigningKey key;
	key.key_ = readPem(pem, true, name);
	return key;
}

std::string SigningKey::sign(std::string_view data) const
{
	std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
	unsigned char sig[kSignatureSize];
	std::size_t n = sizeof(sig);
	if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
	    EVP_DigestSign(ctx.get(), sig, &n, reinterpret_cast<const unsigned char *>(data.data()),
			   data.size()) != 1 ||
	    n != sizeof(sig))
		throw std::runtime_error("signing failed (OpenSSL)");
	return toBase64(std::string_view(reinterpret_cast<const char *>(sig), n));
}

VerifyKey VerifyKey::fromPem(std::string_view pem, std::string_view name)
{
	VerifyKey key;
	key.key_ = readPem(pem, false, name);
	return key;
}

bool VerifyKey::verify(std::string_view data, std::string_view signature) const
{
	auto sig = signatureBytes(signature);
	if (!sig)
		return false;
	std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
	return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
	       EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(sig->data()),
				sig->size(), reinterpret_cast<const unsigned char *>(data.data()),
				data.size()) == 1;
}

ChainSigner::ChainSigner(SigningKey key, std::string_view rec)
    : key_(std::move(key)), rec_(rec), chain_(rec)
{
}

std::string ChainSigner::add(std::uint64_t id, std::string_view text, bool sign, bool end)
{
	chain_.add(text);
	if (!sign && !end)
		return {};
	return key_.sign(signedStatement(rec_, id, end, chain_.value()));
}

ChainVerifier::ChainVerifier(std::string_view rec) : rec_(rec), chain_(rec) {}

std::string ChainVerifier::add(const Message &m, const VerifyKey *key)
{
	std::string at = "message " + std::to_string(m.id);
	if (ended_)
		return at + ": after the message that ended the recording (" +
		       std::to_string(next_ - 1) + ")";
	if (m.id < next_)
		return at + ": again, or out of order (message " + std::to_string(next_) +
		       " was due)";
	if (m.id > next_)
		return m.id == next_ + 1 ? "message " + std::to_string(next_) + " is missing"
					 : "messages " + std::to_string(next_) + "-" +
					       std::to_string(m.id - 1) + " are missing";
	next_++;
	count_++;
	chain_.add(formatMessage(m));
	if (m.signature.empty()) {
		// An unsigned recording ends unsigned; a signed one may not.
		if (m.end && signatures_ > 0)
			return at + ": marked as the end without a signature";
		ended_ = m.end;
		return {};
	}
	if (key == nullptr)
		return at + ": signed, but there is no key to check it with";
	if (!key->verify(signedStatement(rec_, m.id, m.end, chain_.value()), m.signature))
		return at + ": the signature does not match the messages since " +
		       (lastSigned_ == 0 ? std::string("the start")
					 : "message " + std::to_string(lastSigned_)) +
		       ": one of them was changed, removed or inserted, or another key signed it";
	signatures_++;
	lastSigned_ = m.id;
	ended_ = m.end;
	return {};
}

std::string ChainVerifier::atEnd() const
{
	if (count_ == 0)
		return "no message";
	if (signatures_ == 0)
		return "unsigned: no message carries a signature";
	if (lastSigned_ < next_ - 1)
		return (lastSigned_ + 1 == next_ - 1
			    ? "message " + std::to_string(next_ - 1) + " comes"
			    : "messages " + std::to_string(lastSigned_ + 1) + "-" +
				  std::to_string(next_ - 1) + " come") +
		       " after the last signature: cut short, or still being recorded";
	if (!ended_)
		return "no signed end after message " + std::to_string(lastSigned_) +
		       ": cut short, or still being recorded";
	return {};
}

} // namespace tlog::codec
