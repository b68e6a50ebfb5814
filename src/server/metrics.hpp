// GET /metrics (Prometheus text format 0.0.4): messages by kind and outcome, the time from a
// message's arrival to its reply, and HTTP replies by status. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace pjm::server {

class Metrics {
  public:
    // Upper bounds of the handling-time histogram, in seconds.
    static constexpr std::array<double, 12> k_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                         0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    // `kind`: "PipelineJobEvent", … or "unclassified"; `outcome`: an error kind name ("ok", …).
    void message(std::string_view kind, std::string_view outcome, double seconds);
    void reply(int http_status);
    std::string render() const;

  private:
    mutable std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, std::uint64_t> m_messages;
    std::array<std::uint64_t, k_buckets.size()> m_bucket_counts{}; // not cumulative
    std::uint64_t m_count = 0;
    double m_sum = 0;
    std::map<int, std::uint64_t> m_replies;
};

} // namespace pjm::server
