// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

struct json_object;

namespace tlog::json {

/// The error category of json-c tokener errors (enum json_tokener_error).
const std::error_category &jsonCategory() noexcept;

/// JSON value types, mirroring json-c's.
enum class JsonType { Null, Boolean, Double, Int, Object, Array, String };

/// Name of a type for error messages ("string", "number", ...).
std::string_view typeName(JsonType type) noexcept;

/// A counted reference to a json-c object. Copying takes a reference
/// (json_object_get), destruction drops one (json_object_put). A default
/// constructed JsonRef is JSON null.
class JsonRef {
public:
	JsonRef() noexcept = default;
	/// Adopts @p obj: takes over one reference the caller owned.
	static JsonRef adopt(json_object *obj) noexcept;
	/// Takes a new reference to a borrowed @p obj.
	static JsonRef borrow(json_object *obj) noexcept;

	JsonRef(const JsonRef &other) noexcept;
	JsonRef(JsonRef &&other) noexcept;
	JsonRef &operator=(JsonRef other) noexcept;
	~JsonRef();

	/// Parses exactly one JSON value from @p text; trailing non-space
	/// characters are an error. C and C++ comments are accepted (config files).
	/// Throws: std::system_error in jsonCategory().
	static JsonRef parse(std::string_view text);

	static JsonRef makeObject();
	static JsonRef makeArray();
	static JsonRef makeString(std::string_view value);
	static JsonRef makeInt(std::int64_t value);
	static JsonRef makeDouble(double value);
	static JsonRef makeBool(bool value);

	JsonType type() const noexcept;
	bool isNull() const noexcept { return obj_ == nullptr; }
	json_object *get() const noexcept { return obj_; }

	/// Member @p key of an object, or nullopt when absent (or not an object).
	std::optional<JsonRef> member(std::string_view key) const;
	/// Calls @p fn for each member of an object, in document order.
	void forEach(const std::function<void(std::string_view, const JsonRef &)> &fn) const;
	/// Sets member @p key of an object (replacing an existing one).
	void set(std::string_view key, JsonRef value);

	std::size_t arrayLength() const noexcept;
	JsonRef at(std::size_t index) const;
	void append(JsonRef value);

	/// Value accessors. They do not convert between types: callers check
	/// type() first, these return the json-c coercion otherwise.
	std::string_view asString() const noexcept;
	std::int64_t asInt() const noexcept;
	double asDouble() const noexcept;
	bool asBool() const noexcept;

	/// Serialises; @p pretty adds two-space indentation.
	std::string toString(bool pretty = false) const;

private:
	explicit JsonRef(json_object *obj) noexcept : obj_(obj) {}
	json_object *obj_ = nullptr;
};

} // namespace tlog::json
