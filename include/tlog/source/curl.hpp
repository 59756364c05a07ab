// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <curl/curl.h>

#include "tlog/base/c_free.hpp"
#include "tlog/base/unique_fd.hpp"

namespace tlog::source {

/// The error category of CURLcode values.
const std::error_category &curlCategory() noexcept;

using CurlPtr = std::unique_ptr<CURL, base::CFree<curl_easy_cleanup>>;
using CurlListPtr = std::unique_ptr<curl_slist, base::CFree<curl_slist_free_all>>;
using CurlMultiPtr = std::unique_ptr<CURLM, base::CFree<curl_multi_cleanup>>;

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
/// A request runs in a CurlMulti: preparePost(), CurlMulti::start(), then
/// finish() with the result CurlMulti::perform() gave.
class CurlEasy {
public:
	/// Throws: std::system_error.
	CurlEasy();

	void setTimeout(std::chrono::milliseconds total, std::chrono::milliseconds connect);
	/// Credentials: "user:password"; empty leaves ~/.netrc (optional) in charge.
	void setUserPassword(const std::string &userPassword);
	void setVerifyTls(bool verify);
	void setVerbose(bool verbose);

	/// Sets up a POST of @p body (JSON, kept here until the next one) to
	/// @p url, for a CurlMulti to run. Throws: std::system_error.
	void preparePost(const std::string &url, std::string body);
	/// The answer to the prepared request, which ended with @p code.
	/// Throws: std::system_error in curlCategory() for a transport failure,
	/// naming the URL and libcurl's account of it.
	HttpResponse finish(CURLcode code);

	CURL *handle() const noexcept { return handle_.get(); }

private:
	CurlPtr handle_;
	CurlListPtr headers_;
	std::string url_;
	std::string body_;
	HttpResponse response_;
	char error_[CURL_ERROR_SIZE] = {};
};

/// libcurl's multi interface for one transfer at a time, driven by an
/// event loop through one fd: an epoll set of the sockets libcurl asks for
/// and of its timer (a timerfd), readable when perform() has work. It also
/// holds an alarm for the caller's own pauses (a retry's backoff) in the
/// same set, so that one fd says when anything is due.
class CurlMulti {
public:
	/// Throws: std::system_error.
	CurlMulti();
	~CurlMulti();
	CurlMulti(const CurlMulti &) = delete;
	CurlMulti &operator=(const CurlMulti &) = delete;

	/// Readable when perform() should be called.
	int fd() const noexcept { return epoll_.get(); }

	/// Starts @p easy's prepared request (CurlEasy::preparePost()). It
	/// runs in perform(); @p easy must outlive it or be cancel()led.
	/// Throws: std::system_error.
	void start(CurlEasy &easy);
	/// Abandons the transfer of @p easy, if one runs.
	void cancel(CurlEasy &easy) noexcept;
	bool running() const noexcept { return running_ != nullptr; }

	/// Runs what is ready, without waiting. Returns the result of the
	/// transfer when it ended in this call.
	/// Throws: std::system_error.
	std::optional<CURLcode> perform();

	/// Rings the alarm after @p delay (from now), instead of any earlier
	/// setting; nullopt turns it off. Throws: std::system_error.
	void setAlarm(std::optional<std::chrono::milliseconds> delay);
	/// True once after the alarm rang (seen by perform()).
	bool takeAlarm() noexcept;

private:
	static int onSocket(CURL *easy, curl_socket_t socket, int what, void *self,
			    void *socketData) noexcept;
	static int onTimer(CURLM *multi, long timeoutMs, void *self) noexcept;
	void act(curl_socket_t socket, int mask);

	base::UniqueFd epoll_;
	base::UniqueFd timer_; // libcurl's timeout
	base::UniqueFd alarm_; // the caller's
	CurlMultiPtr multi_;
	CurlEasy *running_ = nullptr;
	bool alarmRang_ = false;
	int callbackErrno_ = 0; // an epoll_ctl or timerfd failure inside a callback
};

} // namespace tlog::source
