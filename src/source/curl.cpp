// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/curl.hpp"

#include <new>
#include <string>

namespace tlog::source {

namespace {

class CurlCategory : public std::error_category {
public:
	const char *name() const noexcept override { return "curl"; }
	std::string message(int code) const override
	{
		return curl_easy_strerror(static_cast<CURLcode>(code));
	}
};

void check(CURLcode code, const char *what)
{
	if (code != CURLE_OK)
		throw std::system_error(code, curlCategory(), what);
}

// libcurl's write callback: C code calls it, so nothing may throw out of it.
std::size_t onData(char *data, std::size_t size, std::size_t count, void *user) noexcept
{
	try {
		static_cast<std::string *>(user)->append(data, size * count);
		return size * count;
	} catch (...) {
		return 0; // makes libcurl fail the transfer with CURLE_WRITE_ERROR
	}
}

} // namespace

const std::error_category &curlCategory() noexcept
{
	static const CurlCategory category;
	return category;
}

CurlGlobal::CurlGlobal()
{
	check(curl_global_init(CURL_GLOBAL_DEFAULT), "initialising libcurl");
}

CurlGlobal::~CurlGlobal()
{
	curl_global_cleanup();
}

CurlEasy::CurlEasy() : handle_(curl_easy_init())
{
	if (!handle_)
		throw std::bad_alloc();
	CURL *h = handle_.get();
	check(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_), "curl error buffer");
	check(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L), "curl nosignal");
	check(curl_easy_setopt(h, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL)),
	      "curl netrc");
	check(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onData), "curl write function");
	check(curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L), "curl keepalive");
	check(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L), "curl TLS verification");
	check(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L), "curl TLS verification");
}

void CurlEasy::setTimeout(std::chrono::milliseconds total, std::chrono::milliseconds connect)
{
	check(curl_easy_setopt(handle_.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(total.count())),
	      "curl timeout");
	check(curl_easy_setopt(handle_.get(), CURLOPT_CONNECTTIMEOUT_MS,
			       static_cast<long>(connect.count())),
	      "curl connect timeout");
}

void CurlEasy::setUserPassword(const std::string &userPassword)
{
	if (userPassword.empty())
		return;
	check(curl_easy_setopt(handle_.get(), CURLOPT_USERPWD, userPassword.c_str()),
	      "curl credentials");
}

void CurlEasy::setVerifyTls(bool verify)
{
	check(curl_easy_setopt(handle_.get(), CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L),
	      "curl TLS verification");
	check(curl_easy_setopt(handle_.get(), CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L),
	      "curl TLS verification");
}

void CurlEasy::setVerbose(bool verbose)
{
	check(curl_easy_setopt(handle_.get(), CURLOPT_VERBOSE, verbose ? 1L : 0L), "curl verbose");
}

HttpResponse CurlEasy::postJson(const std::string &url, std::string_view body)
{
	CURL *h = handle_.get();
	HttpResponse response;
	CurlListPtr headers(curl_slist_append(nullptr, "Content-Type: application/json"));
	if (!headers)
		throw std::bad_alloc();
	check(curl_easy_setopt(h, CURLOPT_URL, url.c_str()), "curl URL");
	check(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()), "curl headers");
	check(curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data()), "curl body");
	check(
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size())),
	    "curl body size");
	check(curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body), "curl write data");
	error_[0] = '\0';
	CURLcode code = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
	if (code != CURLE_OK) {
		// libcurl's own account often ends in the generic text that
		// system_error adds again: say that once.
		std::string detail = error_;
		std::string generic = curl_easy_strerror(code);
		if (detail.size() >= generic.size() &&
		    detail.compare(detail.size() - generic.size(), generic.size(), generic) == 0) {
			detail.resize(detail.size() - generic.size());
			while (!detail.empty() && (detail.back() == ' ' || detail.back() == ':'))
				detail.pop_back();
		}
		throw std::system_error(code, curlCategory(),
					detail.empty() ? url : url + ": " + detail);
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
	return response;
}

} // namespace tlog::source
