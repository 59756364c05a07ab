// SPDX-License-Identifier: GPL-2.0-or-later
// Signed recordings: the canonical form a signature covers is the
// encoder's own text, and every kind of tampering breaks the chain.
#define BOOST_TEST_MODULE signature
#include <boost/test/unit_test.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "codec_util.hpp"
#include "tlog/codec/chunk_encoder.hpp"
#include "tlog/codec/message.hpp"
#include "tlog/codec/signature.hpp"

using namespace tlog::test;
using tlog::codec::ChainSigner;
using tlog::codec::ChainVerifier;
using tlog::codec::formatMessage;
using tlog::codec::Message;
using tlog::codec::parseMessage;
using tlog::codec::SigningKey;
using tlog::codec::VerifyKey;

namespace {

struct KeyPair {
	std::string privatePem, publicPem;
};

// A fresh Ed25519 key pair, as `openssl genpkey` would write it.
KeyPair makeKeys()
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
	BOOST_REQUIRE(key != nullptr);
	auto pem = [&](bool priv) {
		BIO *bio = BIO_new(BIO_s_mem());
		int ok =
		    priv ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
			 : PEM_write_bio_PUBKEY(bio, key);
		BOOST_REQUIRE(ok == 1);
		char *data = nullptr;
		long n = BIO_get_mem_data(bio, &data);
		std::string out(data, static_cast<std::size_t>(n));
		BIO_free(bio);
		return out;
	};
	KeyPair pair{pem(true), pem(false)};
	EVP_PKEY_free(key);
	return pair;
}

// Output with everything the escaping must get right.
std::vector<Packet> randomPackets(std::mt19937_64 &rng, std::size_t n)
{
	static const std::vector<std::string> kPieces = {"plain text ",
							 "\x1b[1;31mred\x1b[0m",
							 "\"quoted\" \\ back",
							 "\t\r\n",
							 "/slash",
							 "\xc3\xa9\xe2\x82\xac",
							 "\xf0\x9f\x98\x80",
							 "\xff\xfe bad",
							 "\xc3",
							 "\x7f\x01\x1f",
							 "\xed\xa0\x80 surrogate",
							 "\xe2\x80\xa8 separator"};
	std::vector<Packet> out;
	std::int64_t t = 0;
	for (std::size_t i = 0; i < n; i++) {
		t += static_cast<std::int64_t>(rng() % 1500);
		if (rng() % 17 == 0) {
			out.push_back(Packet::window(ms(t), static_cast<std::uint16_t>(rng() % 300),
						     static_cast<std::uint16_t>(rng() % 100)));
			continue;
		}
		auto type = rng() % 4 == 0 ? PacketType::Input : PacketType::Output;
		out.push_back(Packet{ms(t), type, kPieces[rng() % kPieces.size()], 0, 0});
	}
	return out;
}

std::vector<tlog::codec::EncodedMessage> sampleRecording(std::size_t packets = 200)
{
	std::mt19937_64 rng(7);
	return encodeAll(randomPackets(rng, packets), 160,
			 std::chrono::duration_cast<tlog::base::Timestamp>(
			     std::chrono::milliseconds(1796466700821)));
}

// The recording signed as the recorder signs it: the first message, every
// fifth and the last, which is marked as the end.
std::vector<Message> signedRecording(const KeyPair &keys,
				     std::vector<tlog::codec::EncodedMessage> encoded)
{
	auto key = SigningKey::fromPem(keys.privatePem, "test key");
	std::vector<Message> out;
	auto rec = parseMessage(encoded.front().text, "first").envelope.rec;
	ChainSigner signer(key, rec);
	for (std::size_t i = 0; i < encoded.size(); i++) {
		bool end = i + 1 == encoded.size();
		auto sig = signer.add(encoded[i].id, encoded[i].text, i == 0 || i % 5 == 0, end);
		auto text = tlog::codec::withMarks(encoded[i].text, sig, end);
		out.push_back(parseMessage(text, "message"));
	}
	return out;
}

// "" when intact, else the first reason.
std::string verify(const std::vector<Message> &messages, const VerifyKey &key)
{
	ChainVerifier chain(messages.front().envelope.rec);
	for (auto &m : messages)
		if (auto why = chain.add(m, &key); !why.empty())
			return why;
	return chain.atEnd();
}

} // namespace

BOOST_AUTO_TEST_CASE(canonical_form_is_the_encoders_text)
{
	auto encoded = sampleRecording();
	BOOST_REQUIRE(encoded.size() > 20u);
	for (auto &m : encoded)
		BOOST_TEST(formatMessage(parseMessage(m.text, "m")) == m.text);
}

BOOST_AUTO_TEST_CASE(marks_are_members_a_reader_of_the_format_passes_by)
{
	auto text = sampleRecording().front().text;
	auto marked = tlog::codec::withMarks(text, "c2lnbmF0dXJl", true);
	BOOST_TEST(marked.substr(0, text.size() - 1) == text.substr(0, text.size() - 1));
	BOOST_TEST(marked.find(R"(,"tlog_sig":"c2lnbmF0dXJl","tlog_end":true})") !=
		   std::string::npos);
	auto m = parseMessage(marked, "marked");
	BOOST_TEST(m.signature == "c2lnbmF0dXJl");
	BOOST_TEST(m.end);
	BOOST_TEST(formatMessage(m) == text);
	BOOST_TEST(tlog::codec::withMarks(text, "", false) == text);
}

BOOST_AUTO_TEST_CASE(an_untouched_recording_is_intact)
{
	auto keys = makeKeys();
	auto messages = signedRecording(keys, sampleRecording());
	BOOST_TEST(verify(messages, VerifyKey::fromPem(keys.publicPem, "pub")) == "");
}

BOOST_AUTO_TEST_CASE(each_kind_of_tampering_is_caught)
{
	auto keys = makeKeys();
	auto key = VerifyKey::fromPem(keys.publicPem, "pub");
	auto good = signedRecording(keys, sampleRecording());
	BOOST_REQUIRE(good.size() > 12u);

	auto edited = good;
	edited[7].outTxt += "x";
	// Signed: ids 1, 6, 11, ...: the edit of 8 shows at 11.
	BOOST_TEST(verify(edited, key)
		       .find("message 11: the signature does not match the "
			     "messages since message 6") == 0);

	auto dropped = good;
	dropped.erase(dropped.begin() + 7);
	BOOST_TEST(verify(dropped, key) == "message 8 is missing");

	auto swapped = good;
	std::swap(swapped[7], swapped[8]);
	BOOST_TEST(verify(swapped, key) == "message 8 is missing");

	auto truncated = good;
	truncated.resize(13);
	BOOST_TEST(verify(truncated, key) == "messages 12-13 come after the last signature: cut "
					     "short, or still being recorded");
	truncated.resize(11); // message 11 is signed, not as the end
	BOOST_TEST(verify(truncated, key) ==
		   "no signed end after message 11: cut short, or still being recorded");

	// Message 7 of another recording, made to look like this one's.
	auto other = signedRecording(keys, sampleRecording(300));
	auto replayed = good;
	replayed[6] = other[6];
	replayed[6].envelope.rec = good[6].envelope.rec;
	replayed[6].outTxt += "replayed";
	BOOST_TEST(verify(replayed, key).find("message 11: the signature does not match") == 0);

	auto again = good;
	again.insert(again.begin() + 8, good[7]);
	BOOST_TEST(verify(again, key).find("message 8: again, or out of order") == 0);

	auto forgedEnd = good;
	forgedEnd.resize(13);
	forgedEnd.back().end = true;
	forgedEnd.back().signature.clear();
	BOOST_TEST(verify(forgedEnd, key) == "message 13: marked as the end without a signature");

	auto movedEnd = good;
	movedEnd[10].end = true; // a signed message, now claimed as the end
	BOOST_TEST(verify(movedEnd, key).find("message 11: the signature does not match") == 0);

	auto wrongKey = VerifyKey::fromPem(makeKeys().publicPem, "other");
	BOOST_TEST(verify(good, wrongKey).find("message 1: the signature does not match") == 0);
}

BOOST_AUTO_TEST_CASE(a_recording_without_signatures_is_unsigned_not_intact)
{
	auto keys = makeKeys();
	std::vector<Message> messages;
	for (auto &m : sampleRecording())
		messages.push_back(parseMessage(m.text, "m"));
	messages.back().end = true;
	BOOST_TEST(verify(messages, VerifyKey::fromPem(keys.publicPem, "pub")) ==
		   "unsigned: no message carries a signature");
}

BOOST_AUTO_TEST_CASE(keys_of_the_wrong_kind_are_refused_by_name)
{
	auto keys = makeKeys();
	BOOST_CHECK_EXCEPTION(SigningKey::fromPem(keys.publicPem, "/etc/tlog/x.key"),
			      std::exception, [](const std::exception &e) {
				      return std::string(e.what()).find("/etc/tlog/x.key") !=
					     std::string::npos;
			      });
	BOOST_CHECK_THROW(VerifyKey::fromPem("not a key", "k.pub"), std::exception);
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
	BIO *bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(bio, rsa);
	char *data = nullptr;
	long n = BIO_get_mem_data(bio, &data);
	std::string ec(data, static_cast<std::size_t>(n));
	BIO_free(bio);
	EVP_PKEY_free(rsa);
	BOOST_CHECK_EXCEPTION(
	    VerifyKey::fromPem(ec, "ec.pub"), std::exception, [](const std::exception &e) {
		    return std::string(e.what()) == "ec.pub: not an Ed25519 public key";
	    });
}
