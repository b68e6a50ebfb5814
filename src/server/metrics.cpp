#include "server/metrics.hpp"

#include <fmt/format.h>

namespace pjm::server {

namespace {

// Label values are ours (kind and outcome names), but escape them as the format asks anyway.
std::string label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\', out += c;
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string number(double v) {
    return fmt::format("{}", v);
}

} // namespace

void Metrics::message(std::string_view kind, std::string_view outcome, double seconds) {
    std::lock_guard lock(m_mutex);
    ++m_messages[{std::string(kind), std::string(outcome)}];
    for (std::size_t i = 0; i < k_buckets.size(); ++i) {
        if (seconds <= k_buckets[i]) {
            ++m_bucket_counts[i];
            break;
        }
    }
    ++m_count;
    m_sum += seconds;
}

void Metrics::reply(int http_status) {
    std::lock_guard lock(m_mutex);
    ++m_replies[http_status];
}

std::string Metrics::render() const {
    std::lock_guard lock(m_mutex);
    std::string out;
    out += "# HELP pjm_messages_total Messages handled, by message kind and outcome.\n"
           "# TYPE pjm_messages_total counter\n";
    for (const auto& [key, n] : m_messages)
        out += fmt::format("pjm_messages_total{{kind=\"{}\",outcome=\"{}\"}} {}\n",
                           label(key.first), label(key.second), n);
    out += "# HELP pjm_message_handling_seconds Time from a message's arrival to its reply "
           "(checks, transaction, commit).\n"
           "# TYPE pjm_message_handling_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < k_buckets.size(); ++i) {
        cumulative += m_bucket_counts[i];
        out += fmt::format("pjm_message_handling_seconds_bucket{{le=\"{}\"}} {}\n",
                           number(k_buckets[i]), cumulative);
    }
    out += fmt::format("pjm_message_handling_seconds_bucket{{le=\"+Inf\"}} {}\n", m_count);
    out += fmt::format("pjm_message_handling_seconds_sum {}\n", number(m_sum));
    out += fmt::format("pjm_message_handling_seconds_count {}\n", m_count);
    out += "# HELP pjm_http_replies_total HTTP replies sent, by status code.\n"
           "# TYPE pjm_http_replies_total counter\n";
    for (const auto& [status, n] : m_replies)
        out += fmt::format("pjm_http_replies_total{{code=\"{}\"}} {}\n", status, n);
    return out;
}

} // namespace pjm::server
