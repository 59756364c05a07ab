// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/source/curl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <new>
#include <string>

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "tlog/base/error.hpp"

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

void CurlEasy::preparePost(const std::string &url, std::string body)
{
	CURL *h = handle_.get();
	if (!headers_) {
		headers_.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
		if (!headers_)
			throw std::bad_alloc();
		check(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get()), "curl headers");
		check(curl_easy_setopt(h, CURLOPT_WRITEDATA, &response_.body), "curl write data");
	}
	url_ = url;
	body_ = std::move(body);
	response_ = HttpResponse{};
	check(curl_easy_setopt(h, CURLOPT_URL, url_.c_str()), "curl URL");
	check(curl_easy_setopt(h, CURLOPT_POSTFIELDS, body_.data()), "curl body");
	check(
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size())),
	    "curl body size");
	error_[0] = '\0';
}

HttpResponse CurlEasy::finish(CURLcode code)
{
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
					detail.empty() ? url_ : url_ + ": " + detail);
	}
	curl_easy_getinfo(handle_.get(), CURLINFO_RESPONSE_CODE, &response_.status);
	return std::move(response_);
}

namespace {

void checkMulti(CURLMcode code, const char *what)
{
	if (code != CURLM_OK)
		throw std::system_error(std::make_error_code(std::errc::io_error),
					std::string(what) + ": " + curl_multi_strerror(code));
}

base::UniqueFd makeTimer()
{
	base::UniqueFd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
	if (!fd)
		base::throwErrno("timerfd_create");
	return fd;
}

// Arms @p fd to expire once after @p delay; nullopt disarms it. A zero
// delay is the shortest a timerfd takes (zero would disarm it).
int armTimer(int fd, std::optional<std::chrono::nanoseconds> delay) noexcept
{
	itimerspec spec{};
	if (delay) {
		auto ns = std::max<std::int64_t>(delay->count(), 1);
		spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
		spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
	}
	return ::timerfd_settime(fd, 0, &spec, nullptr) == 0 ? 0 : errno;
}

// Whether an expiry was pending (and takes it).
bool drainTimer(int fd) noexcept
{
	std::uint64_t count = 0;
	return ::read(fd, &count, sizeof count) == sizeof count;
}

} // namespace

CurlMulti::CurlMulti()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), timer_(makeTimer()), alarm_(makeTimer()),
      multi_(curl_multi_init())
{
	if (!epoll_)
		base::throwErrno("epoll_create1");
	if (!multi_)
		throw std::bad_alloc();
	for (int fd : {timer_.get(), alarm_.get()}) {
		epoll_event event{};
		event.events = EPOLLIN;
		event.data.fd = fd;
		if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
			base::throwErrno("epoll_ctl");
	}
	CURLM *m = multi_.get();
	checkMulti(curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, onSocket), "curl socket function");
	checkMulti(curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this), "curl socket data");
	checkMulti(curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, onTimer), "curl timer function");
	checkMulti(curl_multi_setopt(m, CURLMOPT_TIMERDATA, this), "curl timer data");
}

CurlMulti::~CurlMulti()
{
	if (running_)
		cancel(*running_);
}

int CurlMulti::onSocket(CURL *, curl_socket_t socket, int what, void *self, void *) noexcept
{
	auto *multi = static_cast<CurlMulti *>(self);
	int epoll = multi->epoll_.get();
	if (what == CURL_POLL_REMOVE) {
		// libcurl may have closed it already: ENOENT/EBADF say so.
		::epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nullptr);
		return 0;
	}
	epoll_event event{};
	event.data.fd = socket;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		event.events |= EPOLLIN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		event.events |= EPOLLOUT;
	if (::epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) != 0) {
		if (errno != ENOENT || ::epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) != 0) {
			multi->callbackErrno_ = errno;
			return -1;
		}
	}
	return 0;
}

int CurlMulti::onTimer(CURLM *, long timeoutMs, void *self) noexcept
{
	auto *multi = static_cast<CurlMulti *>(self);
	std::optional<std::chrono::nanoseconds> delay;
	if (timeoutMs >= 0)
		delay = std::chrono::milliseconds(timeoutMs);
	if (int err = armTimer(multi->timer_.get(), delay)) {
		multi->callbackErrno_ = err;
		return -1;
	}
	return 0;
}

void CurlMulti::act(curl_socket_t socket, int mask)
{
	int running = 0;
	checkMulti(curl_multi_socket_action(multi_.get(), socket, mask, &running),
		   "curl socket action");
	if (callbackErrno_ != 0) {
		int err = callbackErrno_;
		callbackErrno_ = 0;
		throw std::system_error(err, std::generic_category(), "watching curl's sockets");
	}
}

void CurlMulti::start(CurlEasy &easy)
{
	if (running_)
		cancel(*running_);
	// libcurl sets its timer here; the first perform() starts the request.
	checkMulti(curl_multi_add_handle(multi_.get(), easy.handle()), "curl start");
	running_ = &easy;
}

void CurlMulti::cancel(CurlEasy &easy) noexcept
{
	if (running_ != &easy)
		return;
	curl_multi_remove_handle(multi_.get(), easy.handle());
	running_ = nullptr;
}

std::optional<CURLcode> CurlMulti::perform()
{
	epoll_event events[16];
	int n = ::epoll_wait(epoll_.get(), events, 16, 0);
	if (n < 0) {
		if (errno == EINTR)
			return std::nullopt;
		base::throwErrno("epoll_wait");
	}
	for (int i = 0; i < n; i++) {
		int fd = events[i].data.fd;
		if (fd == alarm_.get()) {
			alarmRang_ = drainTimer(fd) || alarmRang_;
		} else if (fd == timer_.get()) {
			if (drainTimer(fd))
				act(CURL_SOCKET_TIMEOUT, 0);
		} else {
			int mask = 0;
			if (events[i].events & EPOLLIN)
				mask |= CURL_CSELECT_IN;
			if (events[i].events & EPOLLOUT)
				mask |= CURL_CSELECT_OUT;
			if (events[i].events & (EPOLLERR | EPOLLHUP))
				mask |= CURL_CSELECT_ERR;
			act(fd, mask);
		}
	}
	int left = 0;
	while (CURLMsg *msg = curl_multi_info_read(multi_.get(), &left)) {
		if (msg->msg != CURLMSG_DONE || !running_ || msg->easy_handle != running_->handle())
			continue;
		CURLcode code = msg->data.result;
		cancel(*running_);
		return code;
	}
	return std::nullopt;
}

void CurlMulti::setAlarm(std::optional<std::chrono::milliseconds> delay)
{
	alarmRang_ = false;
	drainTimer(alarm_.get());
	if (int err = armTimer(alarm_.get(), delay))
		throw std::system_error(err, std::generic_category(), "timerfd_settime");
}

bool CurlMulti::takeAlarm() noexcept
{
	bool rang = alarmRang_;
	alarmRang_ = false;
	return rang;
}

} // namespace tlog::source
