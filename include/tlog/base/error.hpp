// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tlog::base {

/// A recording that does not follow the format; what() names where.
class FormatError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

/// A bad setting: a configuration key or value, a combination of them,
/// or a writer or reader this build cannot make; what() names the key and
/// where it came from when that is known. Mains map it to exit status 1
/// (runMain()).
class ConfigError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

/// A bad command line: an unknown or incomplete option, or a bad value
/// given there (conf::applyCommandLine() turns the ConfigError of a
/// command-line setting into one). Mains map it to exit status 2.
class UsageError : public ConfigError {
public:
	using ConfigError::ConfigError;
};

/// Throws std::system_error for the current errno, with @p what as context.
[[noreturn]] void throwErrno(std::string_view what);

/// Throws std::system_error for error code @p code (an errno value).
[[noreturn]] void throwSystem(int code, std::string_view what);

/// @p text as an error message may show it: control characters, NUL and
/// bytes that are not UTF-8 as \xNN (they would cut the message or act
/// on the terminal), at most 200 bytes of it, then "...".
std::string printable(std::string_view text);

/// printable(@p text) in single quotes: a value in an error message.
inline std::string quoted(std::string_view text)
{
	return "'" + printable(text) + "'";
}

/// Formats an exception and its nested causes as "a: b: c".
std::string describe(const std::exception &e) noexcept;

/// Formats the exception in flight (inside a catch block).
std::string describeCurrent() noexcept;

} // namespace tlog::base
