// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tlog::test {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents by
/// the destructor. Move-only.
class TempDir {
public:
	/// Throws: std::system_error.
	TempDir();
	TempDir(TempDir &&other) noexcept;
	TempDir &operator=(TempDir &&) = delete;
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;
	~TempDir();

	const std::filesystem::path &path() const noexcept { return path_; }
	/// path() / @p name.
	std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

private:
	std::filesystem::path path_;
};

/// The whole content of file @p path. Throws: std::runtime_error.
std::string readFile(const std::filesystem::path &path);

/// Creates or replaces file @p path with @p content. Throws: std::runtime_error.
void writeFile(const std::filesystem::path &path, std::string_view content);

/// $TLOG_SOURCE_ROOT (set by Meson's test_env), else the current directory.
std::filesystem::path sourceRoot();

/// $TLOG_BUILD_ROOT (set by Meson's test_env), else the current directory.
std::filesystem::path buildRoot();

/// sourceRoot()/tests/data/@p name: golden files.
std::filesystem::path dataPath(std::string_view name);

} // namespace tlog::test
