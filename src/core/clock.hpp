// The source of "now": the system clock in production, a settable one in tests.
#pragma once

#include <cstdint>

namespace pjm::core {

class Clock {
  public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch, UTC.
    virtual std::int64_t now_ms() const = 0;
    std::int64_t now_s() const { return now_ms() / 1000; }
};

class SystemClock final : public Clock {
  public:
    std::int64_t now_ms() const override;
};

class FixedClock final : public Clock {
  public:
    explicit FixedClock(std::int64_t ms) : m_ms(ms) {}
    std::int64_t now_ms() const override { return m_ms; }
    void set_ms(std::int64_t ms) { m_ms = ms; }
    void advance_ms(std::int64_t ms) { m_ms += ms; }

  private:
    std::int64_t m_ms;
};

} // namespace pjm::core
