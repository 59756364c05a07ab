// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE json
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <json-c/json.h>
#include <sys/mman.h>

#include "tlog/json/escape.hpp"
#include "tlog/json/json_ref.hpp"

using tlog::json::JsonRef;
using tlog::json::JsonType;

namespace {

int gFreed = 0;

void countFree(json_object *, void *)
{
	gFreed++;
}

// A string object that counts its own destruction.
JsonRef tracked()
{
	auto ref = JsonRef::makeString("tracked");
	json_object_set_userdata(ref.get(), nullptr, countFree);
	return ref;
}

std::string parseJsonString(const std::string &quoted)
{
	json_object *obj = json_tokener_parse(quoted.c_str());
	BOOST_REQUIRE_MESSAGE(obj != nullptr, "json-c rejects " << quoted);
	std::string out(json_object_get_string(obj), json_object_get_string_len(obj));
	json_object_put(obj);
	return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(refcount)

BOOST_AUTO_TEST_CASE(copies_share_and_the_last_one_frees)
{
	gFreed = 0;
	{
		JsonRef a = tracked();
		{
			JsonRef b = a; // copy: a new reference to the same object
			BOOST_TEST(b.get() == a.get());
			JsonRef c;
			c = b;
			BOOST_TEST(c.get() == a.get());
		}
		BOOST_TEST(gFreed == 0);
		BOOST_TEST(a.asString() == "tracked");
	}
	BOOST_TEST(gFreed == 1);
}

BOOST_AUTO_TEST_CASE(moves_transfer_without_a_new_reference)
{
	gFreed = 0;
	{
		JsonRef a = tracked();
		json_object *raw = a.get();
		JsonRef b(std::move(a));
		BOOST_TEST(a.isNull());
		BOOST_TEST(b.get() == raw);
		JsonRef c;
		c = std::move(b);
		BOOST_TEST(b.isNull());
		BOOST_TEST(c.get() == raw);
		c = c; // self-assignment keeps the object
		BOOST_TEST(c.get() == raw);
		BOOST_TEST(gFreed == 0);
		c = JsonRef(); // dropping the last reference frees it
		BOOST_TEST(gFreed == 1);
	}
	BOOST_TEST(gFreed == 1);
}

BOOST_AUTO_TEST_CASE(adopt_and_borrow)
{
	gFreed = 0;
	json_object *raw = json_object_new_string("x");
	json_object_set_userdata(raw, nullptr, countFree);
	{
		JsonRef owner = JsonRef::adopt(raw); // takes our reference
		{
			JsonRef borrowed = JsonRef::borrow(raw); // adds one
		}
		BOOST_TEST(gFreed == 0);
	}
	BOOST_TEST(gFreed == 1);
}

BOOST_AUTO_TEST_CASE(set_and_append_keep_values_alive)
{
	gFreed = 0;
	{
		auto obj = JsonRef::makeObject();
		auto arr = JsonRef::makeArray();
		{
			JsonRef v = tracked();
			obj.set("k", v); // the object holds its own reference
			arr.append(v);
		}
		BOOST_TEST(gFreed == 0);
		BOOST_TEST(obj.member("k")->asString() == "tracked");
		BOOST_TEST(arr.arrayLength() == 1u);
		BOOST_TEST(arr.at(0).asString() == "tracked");
		obj.set("k", JsonRef::makeInt(1)); // replacing drops the object's ref
		BOOST_TEST(gFreed == 0);	   // the array still has one
	}
	BOOST_TEST(gFreed == 1);
}

BOOST_AUTO_TEST_CASE(default_is_null)
{
	JsonRef n;
	BOOST_TEST(n.isNull());
	BOOST_TEST((n.type() == JsonType::Null));
	BOOST_TEST(!n.member("x").has_value());
	BOOST_TEST(n.arrayLength() == 0u);
	BOOST_TEST(n.toString() == "null");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parse)

BOOST_AUTO_TEST_CASE(values)
{
	BOOST_TEST(JsonRef::parse("1").asInt() == 1);
	BOOST_TEST(JsonRef::parse(" -42 \n").asInt() == -42);
	BOOST_TEST(JsonRef::parse("2.5").asDouble() == 2.5);
	BOOST_TEST(JsonRef::parse("true").asBool());
	BOOST_TEST(JsonRef::parse("null").isNull());
	BOOST_TEST(JsonRef::parse("\"a\\u00e9\"").asString() == "a\xc3\xa9");
	auto o = JsonRef::parse("{\"b\":[1,2],\"a\":{\"c\":\"d\"}}");
	BOOST_TEST((o.type() == JsonType::Object));
	BOOST_TEST(o.member("b")->arrayLength() == 2u);
	BOOST_TEST(o.member("a")->member("c")->asString() == "d");
	std::string keys;
	o.forEach([&](std::string_view k, const JsonRef &) { keys += k; });
	BOOST_TEST(keys == "ba"); // document order
}

BOOST_AUTO_TEST_CASE(comments_are_accepted)
{
	auto o = JsonRef::parse(
	    "/* head */ {\n// line\n\"a\": 1 /* in */, \"b\": 2 // end\n}\n// tail\n");
	BOOST_TEST(o.member("a")->asInt() == 1);
	BOOST_TEST(o.member("b")->asInt() == 2);
}

BOOST_AUTO_TEST_CASE(errors)
{
	for (std::string bad : {"", "   ", "{", "{\"a\":", "[1,2", "\"abc", "tru", "{} x", "{}{}",
				"1 2", "{\"a\":1}}", "{a:1}", "nul", "/* open"}) {
		try {
			JsonRef::parse(bad);
			BOOST_ERROR("accepted: " << bad);
		} catch (const std::system_error &e) {
			BOOST_TEST(std::string(e.code().category().name()) == "json", bad);
			BOOST_TEST(!std::string(e.what()).empty());
		}
	}
}

BOOST_AUTO_TEST_CASE(trailing_garbage_is_named)
{
	try {
		JsonRef::parse("{\"a\":1} garbage");
		BOOST_ERROR("accepted trailing garbage");
	} catch (const std::system_error &e) {
		BOOST_TEST(std::string(e.what()).find("trailing") != std::string::npos, e.what());
	}
}

BOOST_AUTO_TEST_CASE(a_key_with_nul_is_refused)
{
	// json-c would cut the key at the NUL: "time\u0000ing" read as "time".
	for (const char *bad : {R"({"time\u0000ing": 1})", R"({"a": {"b\u0000": 1}})",
				R"([{"\u0000" : 1}])", R"({'x\u0000y': 1})"}) {
		try {
			JsonRef::parse(bad);
			BOOST_ERROR("accepted " << bad);
		} catch (const std::system_error &e) {
			BOOST_TEST(std::string(e.what()).find("NUL") != std::string::npos,
				   e.what());
		}
	}
	// In values the NUL is kept (the length says where the string ends),
	// and the escape's text in a comment or after an escaped backslash
	// is no NUL.
	auto v = JsonRef::parse(R"({"a": "x\u0000y", "b\\u0000": 1 /* "c\u0000": */})");
	BOOST_TEST(v.member("a")->asString() == std::string_view("x\0y", 3));
	BOOST_TEST(v.member("b\\u0000").has_value());
}

BOOST_AUTO_TEST_CASE(to_string)
{
	auto o = JsonRef::makeObject();
	o.set("path", JsonRef::makeString("/a/b"));
	o.set("n", JsonRef::makeInt(-3));
	o.set("t", JsonRef::makeBool(true));
	BOOST_TEST(o.toString() == "{\"path\":\"/a/b\",\"n\":-3,\"t\":true}");
	BOOST_TEST(JsonRef::parse(o.toString(true)).toString() == o.toString());
}

BOOST_AUTO_TEST_CASE(a_text_longer_than_json_c_takes_is_refused_not_cut)
{
	// json-c takes lengths as an int: 2 GiB + 1 of zero pages, reserved,
	// never touched (the size is refused first).
	const std::size_t size = (std::size_t{1} << 31) + 1;
	void *pages =
	    ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	BOOST_TEST_REQUIRE(pages != MAP_FAILED);
	std::string_view huge(static_cast<const char *>(pages), size);
	BOOST_CHECK_EXCEPTION(
	    JsonRef::parse(huge), std::system_error,
	    [](const std::system_error &e) { return e.code().value() == json_tokener_error_size; });
	BOOST_CHECK_THROW(JsonRef::makeString(huge), std::length_error);
	::munmap(pages, size);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(escape)

// Every byte in a context where it is valid UTF-8 (bytes that never are,
// C0 C1 F5-FF, are checked for being copied raw), escaped by us, must be
// read back by json-c as the same bytes, and take escapedSize() bytes.
BOOST_AUTO_TEST_CASE(all_bytes_read_back_by_json_c)
{
	for (int b = 0; b < 256; b++) {
		auto c = static_cast<unsigned char>(b);
		std::string text;
		if (b < 0x80)
			text = std::string(1, static_cast<char>(b));
		else if (b >= 0x80 && b <= 0xBF)
			text = std::string("\xe2\x82") + static_cast<char>(b); // as a last byte
		else if (b >= 0xC2 && b <= 0xDF)
			text = std::string(1, static_cast<char>(b)) + "\x80";
		else if (b >= 0xE1 && b <= 0xEF && b != 0xED)
			text = std::string(1, static_cast<char>(b)) + "\x80\x80";
		else if (b == 0xE0)
			text = "\xe0\xa0\x80";
		else if (b == 0xED)
			text = "\xed\x80\x80";
		else if (b == 0xF0)
			text = "\xf0\x90\x80\x80";
		else if (b >= 0xF1 && b <= 0xF4)
			text = std::string(1, static_cast<char>(b)) + "\x80\x80\x80";
		if (text.empty()) {
			BOOST_TEST(tlog::json::escapedSize(c) == 1u, "byte " << b);
			std::string out;
			tlog::json::appendEscaped(out, std::string(1, static_cast<char>(b)));
			BOOST_TEST(out == std::string(1, static_cast<char>(b)), "byte " << b);
			continue;
		}
		std::string out;
		tlog::json::appendEscaped(out, "<" + text + ">");
		BOOST_TEST(parseJsonString("\"" + out + "\"") == "<" + text + ">", "byte " << b);
		std::size_t want = 2;
		for (unsigned char t : text)
			want += tlog::json::escapedSize(t);
		BOOST_TEST(out.size() == want, "byte " << b);
	}
}

BOOST_AUTO_TEST_CASE(escape_table)
{
	for (int b = 0; b < 256; b++) {
		auto c = static_cast<unsigned char>(b);
		std::size_t want = 1;
		if (b < 0x20 || b == 0x7f)
			want = 6;
		if (b == '\b' || b == '\f' || b == '\n' || b == '\r' || b == '\t' || b == '"' ||
		    b == '\\')
			want = 2;
		BOOST_TEST(tlog::json::escapedSize(c) == want, "byte " << b);
	}
	std::string out;
	tlog::json::appendEscaped(out, std::string("\x00\x1f\x7f\b/", 5));
	BOOST_TEST(out == "\\u0000\\u001f\\u007f\\b/");
}

BOOST_AUTO_TEST_CASE(same_as_json_c_except_del)
{
	// json-c's own writer (without slash escaping) agrees with ours on
	// every ASCII byte but DEL, which the reference escapes and json-c not.
	for (int b = 1; b < 0x80; b++) {
		std::string s(1, static_cast<char>(b));
		auto ref = JsonRef::makeString(s);
		std::string ours = "\"";
		tlog::json::appendEscaped(ours, s);
		ours += "\"";
		if (b == 0x7f)
			BOOST_TEST(ours == "\"\\u007f\"");
		else
			BOOST_TEST(ref.toString() == ours, "byte " << b);
	}
}

BOOST_AUTO_TEST_SUITE_END()
