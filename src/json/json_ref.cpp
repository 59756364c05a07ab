// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/json/json_ref.hpp"

#include <cctype>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <json-c/json.h>

#include "tlog/base/c_free.hpp"

namespace tlog::json {

namespace {

using TokenerPtr = std::unique_ptr<json_tokener, base::CFree<json_tokener_free>>;

class JsonCategory : public std::error_category {
public:
	const char *name() const noexcept override { return "json"; }
	std::string message(int code) const override
	{
		return json_tokener_error_desc(static_cast<json_tokener_error>(code));
	}
};

// json-c keeps object keys as C strings: a key with \u0000 in it is cut
// there ("time\u0000ing" would be read as the key "time"). Whether @p
// text, which parsed, has such a key: a string (double or single quoted,
// as json-c takes) with that escape and a ':' after it, outside comments.
bool keyHasNul(std::string_view text)
{
	for (std::size_t i = 0; i < text.size(); i++) {
		char c = text[i];
		if (c == '/' && text.substr(i, 2) == "//") {
			i = text.find('\n', i);
			if (i == std::string_view::npos)
				break;
		} else if (c == '/' && text.substr(i, 2) == "/*") {
			i = text.find("*/", i + 2);
			if (i == std::string_view::npos)
				break;
			i++;
		} else if (c == '"' || c == '\'') {
			bool nul = false;
			std::size_t j = i + 1;
			for (; j < text.size() && text[j] != c; j++) {
				if (text[j] == '\\') {
					nul = nul || text.substr(j, 6) == "\\u0000";
					j++;
				}
			}
			i = j;
			auto next = text.find_first_not_of(" \t\r\n", j + 1);
			if (nul && next != std::string_view::npos && text[next] == ':')
				return true;
		}
	}
	return false;
}

} // namespace

const std::error_category &jsonCategory() noexcept
{
	static const JsonCategory category;
	return category;
}

std::string_view typeName(JsonType type) noexcept
{
	switch (type) {
	case JsonType::Null:
		return "null";
	case JsonType::Boolean:
		return "boolean";
	case JsonType::Double:
		return "number";
	case JsonType::Int:
		return "integer";
	case JsonType::Object:
		return "object";
	case JsonType::Array:
		return "array";
	case JsonType::String:
		return "string";
	}
	return "unknown";
}

JsonRef JsonRef::adopt(json_object *obj) noexcept
{
	return JsonRef(obj);
}

JsonRef JsonRef::borrow(json_object *obj) noexcept
{
	return JsonRef(json_object_get(obj));
}

JsonRef::JsonRef(const JsonRef &other) noexcept : obj_(json_object_get(other.obj_)) {}

JsonRef::JsonRef(JsonRef &&other) noexcept : obj_(std::exchange(other.obj_, nullptr)) {}

JsonRef &JsonRef::operator=(JsonRef other) noexcept
{
	std::swap(obj_, other.obj_);
	return *this;
}

JsonRef::~JsonRef()
{
	json_object_put(obj_);
}

JsonRef JsonRef::parse(std::string_view text)
{
	// json-c takes the length as an int: past INT_MAX the cast is
	// negative, which it refuses as json_tokener_error_size (tested).
	TokenerPtr tok(json_tokener_new());
	if (!tok)
		throw std::bad_alloc();
	json_object *obj =
	    json_tokener_parse_ex(tok.get(), text.data(), static_cast<int>(text.size()));
	json_tokener_error err = json_tokener_get_error(tok.get());
	std::size_t used = static_cast<std::size_t>(tok->char_offset);
	if (err == json_tokener_continue) {
		// The text ended inside a value. A number or literal at the very
		// end is only complete once the tokener sees a terminating NUL;
		// anything else is cut short.
		obj = json_tokener_parse_ex(tok.get(), "", 1);
		err = json_tokener_get_error(tok.get());
		if (err == json_tokener_continue)
			err = json_tokener_error_parse_eof;
		used = text.size();
	}
	if (err != json_tokener_success)
		throw std::system_error(err, jsonCategory());
	JsonRef result(obj);
	for (std::size_t i = used; i < text.size(); i++)
		if (!std::isspace(static_cast<unsigned char>(text[i])))
			throw std::system_error(json_tokener_error_parse_unexpected, jsonCategory(),
						"trailing characters after the JSON value");
	if (text.find("\\u0000") != std::string_view::npos && keyHasNul(text.substr(0, used)))
		throw std::system_error(json_tokener_error_parse_string, jsonCategory(),
					"an object key holds a NUL character (\\u0000)");
	return result;
}

JsonRef JsonRef::makeObject()
{
	return JsonRef(json_object_new_object());
}

JsonRef JsonRef::makeArray()
{
	return JsonRef(json_object_new_array());
}

JsonRef JsonRef::makeString(std::string_view value)
{
	if (value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
		throw std::length_error("a JSON string of " + std::to_string(value.size()) +
					" bytes is too long for json-c");
	return JsonRef(json_object_new_string_len(value.data(), static_cast<int>(value.size())));
}

JsonRef JsonRef::makeInt(std::int64_t value)
{
	return JsonRef(json_object_new_int64(value));
}

JsonRef JsonRef::makeDouble(double value)
{
	return JsonRef(json_object_new_double(value));
}

JsonRef JsonRef::makeBool(bool value)
{
	return JsonRef(json_object_new_boolean(value ? 1 : 0));
}

JsonType JsonRef::type() const noexcept
{
	switch (json_object_get_type(obj_)) {
	case json_type_null:
		return JsonType::Null;
	case json_type_boolean:
		return JsonType::Boolean;
	case json_type_double:
		return JsonType::Double;
	case json_type_int:
		return JsonType::Int;
	case json_type_object:
		return JsonType::Object;
	case json_type_array:
		return JsonType::Array;
	case json_type_string:
		return JsonType::String;
	}
	return JsonType::Null;
}

std::optional<JsonRef> JsonRef::member(std::string_view key) const
{
	if (type() != JsonType::Object)
		return std::nullopt;
	json_object *value = nullptr;
	if (!json_object_object_get_ex(obj_, std::string(key).c_str(), &value))
		return std::nullopt;
	return borrow(value);
}

void JsonRef::forEach(const std::function<void(std::string_view, const JsonRef &)> &fn) const
{
	if (type() != JsonType::Object)
		return;
	json_object_object_foreach(obj_, key, value) fn(key, borrow(value));
}

void JsonRef::set(std::string_view key, JsonRef value)
{
	// json_object_object_add steals the value's reference.
	if (json_object_object_add(obj_, std::string(key).c_str(), value.obj_) != 0)
		throw std::bad_alloc();
	value.obj_ = nullptr;
}

std::size_t JsonRef::arrayLength() const noexcept
{
	return type() == JsonType::Array ? json_object_array_length(obj_) : 0;
}

JsonRef JsonRef::at(std::size_t index) const
{
	return borrow(json_object_array_get_idx(obj_, index));
}

void JsonRef::append(JsonRef value)
{
	if (json_object_array_add(obj_, value.obj_) != 0)
		throw std::bad_alloc();
	value.obj_ = nullptr;
}

std::string_view JsonRef::asString() const noexcept
{
	const char *s = json_object_get_string(obj_);
	if (s == nullptr)
		return {};
	return {s, static_cast<std::size_t>(json_object_get_string_len(obj_))};
}

std::int64_t JsonRef::asInt() const noexcept
{
	return json_object_get_int64(obj_);
}

double JsonRef::asDouble() const noexcept
{
	return json_object_get_double(obj_);
}

bool JsonRef::asBool() const noexcept
{
	return json_object_get_boolean(obj_) != 0;
}

std::string JsonRef::toString(bool pretty) const
{
	int flags =
	    JSON_C_TO_STRING_NOSLASHESCAPE |
	    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
	// The returned buffer belongs to the object: copy it out.
	return json_object_to_json_string_ext(obj_, flags);
}

} // namespace tlog::json
