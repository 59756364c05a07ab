// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE rate_limit_writer
#include <boost/test/unit_test.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stderr_capture.hpp"
#include "tlog/sink/mem_writer.hpp"
#include "tlog/sink/rate_limit_writer.hpp"

using namespace std::chrono_literals;
using tlog::base::Timestamp;
using tlog::sink::LimitAction;
using tlog::sink::MemWriter;
using tlog::sink::RateLimitWriter;

namespace {

/// A clock that moves only when told to, or when the writer sleeps.
struct FakeClock final : tlog::base::Clock {
	Timestamp now{1s};
	Timestamp slept{0};
	Timestamp monotonic() const noexcept override { return now; }
	Timestamp realtime() const noexcept override { return now; }
	Timestamp waitFor(Timestamp) const noexcept override { return {}; }
	void waited(Timestamp deadline) noexcept override
	{
		if (deadline > now) {
			slept += deadline - now;
			now = deadline;
		}
	}
};

struct Fixture {
	FakeClock time;
	MemWriter *mem = nullptr;
	std::unique_ptr<RateLimitWriter> make(std::uint64_t rate, std::uint64_t burst,
					      LimitAction action)
	{
		auto below = std::make_unique<MemWriter>();
		mem = below.get();
		return std::make_unique<RateLimitWriter>(std::move(below), rate, burst, action,
							 time);
	}
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(rate_limit_writer, Fixture)

BOOST_AUTO_TEST_CASE(parses_actions)
{
	BOOST_TEST((tlog::sink::parseLimitAction("pass") == LimitAction::Pass));
	BOOST_TEST((tlog::sink::parseLimitAction("delay") == LimitAction::Delay));
	BOOST_TEST((tlog::sink::parseLimitAction("drop") == LimitAction::Drop));
	BOOST_CHECK_THROW(tlog::sink::parseLimitAction("throttle"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(pass_lets_everything_through)
{
	auto w = make(10, 10, LimitAction::Pass);
	for (int i = 0; i < 5; i++)
		w->write(std::string(100, 'x'), {});
	BOOST_TEST(mem->messages().size() == 5u);
	BOOST_TEST(time.slept.count() == 0);
}

BOOST_AUTO_TEST_CASE(drop_discards_above_the_limit_and_counts)
{
	// 100 bytes/s, bucket of 200: two 100-byte messages fit, the third not.
	tlog::test::StderrCapture err;
	auto w = make(100, 200, LimitAction::Drop);
	w->write(std::string(100, 'a'), {});
	w->write(std::string(100, 'b'), {});
	w->write(std::string(100, 'c'), {});
	w->write(std::string(50, 'd'), {});
	BOOST_TEST(mem->messages().size() == 2u);
	BOOST_TEST(w->droppedMessages() == 2u);
	BOOST_TEST(w->droppedBytes() == 150u);
	// Half a second refills 50 bytes: one 50-byte message passes.
	time.now += 500ms;
	w->write(std::string(50, 'e'), {});
	BOOST_TEST(mem->messages().size() == 3u);
	BOOST_TEST(mem->messages().back() == std::string(50, 'e'));
	BOOST_TEST(time.slept.count() == 0);
	w->flush();
	BOOST_TEST(mem->flushes() == 1u);
	// One line at the first drop, one summary at flush, none after.
	auto text = err.text();
	BOOST_TEST(text.find("dropping messages") != std::string::npos);
	BOOST_TEST(text.find("dropped 2 messages (150 bytes)") != std::string::npos);
	w.reset();
	BOOST_TEST(err.text() == text);
}

BOOST_AUTO_TEST_CASE(a_batch_is_limited_message_by_message)
{
	// As the recorder hands them over (one batch a read): the limit sees
	// each message, not the batch passed by to the writer below.
	tlog::test::StderrCapture err;
	auto w = make(100, 200, LimitAction::Drop);
	std::string a(100, 'a'), b(100, 'b'), c(100, 'c'), d(50, 'd');
	std::vector<tlog::sink::Outgoing> batch{{a, {}}, {b, {}}, {c, {}}, {d, {}}};
	std::size_t delivered = 0;
	w->writeBatch(batch, delivered);
	BOOST_TEST(delivered == 4u); // handed over: dropped by the policy, not lost
	BOOST_TEST(mem->messages().size() == 2u);
	BOOST_TEST(w->droppedMessages() == 2u);
}

BOOST_AUTO_TEST_CASE(drop_summary_at_destruction)
{
	tlog::test::StderrCapture err;
	auto w = make(10, 10, LimitAction::Drop);
	w->write(std::string(10, 'a'), {});
	w->write(std::string(7, 'b'), {});
	BOOST_TEST(err.text().find("dropped") == std::string::npos);
	w.reset();
	BOOST_TEST(err.text().find("dropped 1 messages (7 bytes)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(drop_refills_no_more_than_the_burst)
{
	auto w = make(100, 200, LimitAction::Drop);
	time.now += 1h;
	w->write(std::string(200, 'a'), {});
	w->write(std::string(1, 'b'), {});
	BOOST_TEST(mem->messages().size() == 1u);
	BOOST_TEST(w->droppedMessages() == 1u);
}

BOOST_AUTO_TEST_CASE(delay_waits_until_the_message_fits)
{
	auto w = make(100, 100, LimitAction::Delay);
	w->write(std::string(100, 'a'), {});
	BOOST_TEST(time.slept.count() == 0);
	w->write(std::string(50, 'b'), {});
	// 50 bytes at 100 bytes/s.
	BOOST_TEST(time.slept.count() == Timestamp(500ms).count());
	BOOST_TEST(mem->messages().size() == 2u);
	BOOST_TEST(w->droppedMessages() == 0u);
}

BOOST_AUTO_TEST_CASE(oversized_message_passes_on_a_full_bucket)
{
	auto w = make(100, 100, LimitAction::Delay);
	w->write(std::string(300, 'a'), {});
	BOOST_TEST(time.slept.count() == 0);
	// The bucket is 200 bytes in debt: the next message waits for 2 s + 0.1 s.
	w->write(std::string(10, 'b'), {});
	BOOST_TEST(time.slept.count() == Timestamp(2100ms).count());
	BOOST_TEST(mem->messages().size() == 2u);
}

BOOST_AUTO_TEST_CASE(delay_with_zero_rate_is_refused)
{
	BOOST_CHECK_THROW(make(0, 100, LimitAction::Delay), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(writer_errors_pass_through)
{
	auto w = make(1000, 1000, LimitAction::Delay);
	mem->failAfter(0);
	BOOST_CHECK_THROW(w->write("x", {}), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// Counts the calls it gets and answers the two questions with set values.
struct CallCounter final : tlog::sink::Writer {
	int writes = 0, flushes = 0, retries = 0;
	std::size_t maxMessage = 4087;
	std::optional<Timestamp> deadline = Timestamp(5s);
	void write(std::string_view, const tlog::sink::MessageFields &) override { writes++; }
	void flush() override { flushes++; }
	std::optional<Timestamp> retryDeadline() const noexcept override { return deadline; }
	void retry() override { retries++; }
	std::size_t maxMessageSize() const noexcept override { return maxMessage; }
};

} // namespace

BOOST_AUTO_TEST_CASE(rate_limit_writer_forwards_every_writer_call)
{
	// Through ForwardingWriter: what the rate limit does not change goes
	// to the writer below (congestion, when there was such a call, once
	// went missing in a decorator).
	auto counter = std::make_unique<CallCounter>();
	auto *calls = counter.get();
	RateLimitWriter writer(std::move(counter), 1000, 1000, LimitAction::Drop);
	writer.write("{}", {});
	writer.flush();
	writer.retry();
	BOOST_TEST(calls->writes == 1);
	BOOST_TEST(calls->flushes == 1);
	BOOST_TEST(calls->retries == 1);
	BOOST_TEST(writer.maxMessageSize() == 4087u);
	calls->maxMessage = 0;
	BOOST_TEST(writer.maxMessageSize() == 0u);
	BOOST_TEST((writer.retryDeadline() == Timestamp(5s)));
	calls->deadline.reset();
	BOOST_TEST(!writer.retryDeadline());
}
