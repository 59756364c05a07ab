// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <curl/curl.h>

#include "tlog/base/c_free.hpp"

namespace tlog::source {

/// The error category of CURLcode values.
const std::error_category &curlCategory() noexcept;

using CurlPtr = std::unique_ptr<CURL, base::CFree<curl_easy_cleanup>>;
using CurlListPtr = std::unique_ptr<curl_slist, base::CFree<curl_slist_free_all>>;

/// Owns libcurl's global state; one in main(), before any CurlEasy.
class CurlGlobal {
public:
	/// Throws: std::system_error.
	CurlGlobal();
	~CurlGlobal();
	CurlGlobal(const CurlGlobal &) = delete;
	CurlGlobal &operator=(const CurlGlobal &) = delete;
};

/// The answer to one request.
struct HttpResponse {
	long status = 0;
	std::string body;
};

/// One easy handle with typed, throwing setters. The handle is reused
/// between requests, so the connection stays open (HTTP keep-alive).
class CurlEasy {
public:
	/// Throws: std::system_error.
	CurlEasy();

	void setTimeout(std::chrono::milliseconds total, std::chrono::milliseconds connect);
	/// Credentials: "user:password"; empty leaves ~/.netrc (optional) in charge.
	void setUserPassword(const std::string &userPassword);
	void setVerifyTls(bool verify);
	void setVerbose(bool verbose);

	/// POSTs @p body (JSON) to @p url and returns the status and body. A
	/// transport failure (refused, timed out, reset) throws; an HTTP error
	/// status is returned for the caller to judge.
	/// Throws: std::system_error in curlCategory().
	HttpResponse postJson(const std::string &url, std::string_view body);

private:
	CurlPtr handle_;
	char error_[CURL_ERROR_SIZE] = {};
};

} // namespace tlog::source
