#include "server/http_message.hpp"

namespace pjm::server {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

bool Request::has_header(std::string_view name) const {
    return get_header_value_count(name) > 0;
}

std::size_t Request::get_header_value_count(std::string_view name) const {
    std::size_t n = 0;
    for (const Header& h : headers)
        n += same_name(h.name, name) ? 1 : 0;
    return n;
}

std::string Request::get_header_value(std::string_view name, std::size_t i) const {
    for (const Header& h : headers)
        if (same_name(h.name, name) && i-- == 0) return h.value;
    return {};
}

void Response::set_header(std::string name, std::string value) {
    for (Header& h : headers)
        if (same_name(h.name, name)) {
            h.value = std::move(value);
            return;
        }
    headers.push_back({std::move(name), std::move(value)});
}

void Response::set_content(std::string text, std::string type) {
    body = std::move(text);
    content_type = std::move(type);
}

} // namespace pjm::server
