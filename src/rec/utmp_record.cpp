// SPDX-License-Identifier: GPL-2.0-or-later
#include "tlog/rec/utmp_record.hpp"

#include <dlfcn.h>
#include <fcntl.h>

#include "tlog/base/log.hpp"

namespace tlog::rec {

namespace {

using AddFn = int (*)(int, const char *);
using RemoveFn = int (*)(int);

} // namespace

void UtmpRecord::add(int ptyMaster, const std::string &host) noexcept
{
	if (ptyMaster < 0 || added_)
		return;
	if (library_ == nullptr)
		library_ = ::dlopen("libutempter.so.0", RTLD_NOW | RTLD_LOCAL);
	if (library_ == nullptr) {
		base::logLine("warning: no utmp record: libutempter is not installed");
		return;
	}
	auto addFn = reinterpret_cast<AddFn>(::dlsym(library_, "utempter_add_record"));
	if (addFn == nullptr) {
		base::logLine("warning: no utmp record: libutempter has no utempter_add_record");
		return;
	}
	master_.reset(::fcntl(ptyMaster, F_DUPFD_CLOEXEC, 3));
	if (!master_ || addFn(master_.get(), host.empty() ? nullptr : host.c_str()) == 0) {
		base::logLine("warning: failed adding a utmp record; the session goes on");
		master_.reset();
		return;
	}
	added_ = true;
}

UtmpRecord::~UtmpRecord()
{
	if (added_) {
		auto removeFn =
		    reinterpret_cast<RemoveFn>(::dlsym(library_, "utempter_remove_record"));
		if (removeFn == nullptr || removeFn(master_.get()) == 0)
			base::logLine("warning: failed removing the utmp record");
	}
	if (library_ != nullptr)
		::dlclose(library_);
}

} // namespace tlog::rec
