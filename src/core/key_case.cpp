#include "core/key_case.hpp"

#include <cctype>

namespace pjm::core {

std::optional<KeyCase> parse_key_case(std::string_view name) {
    for (KeyCase c : {KeyCase::snake, KeyCase::camel, KeyCase::both})
        if (name == to_string(c)) return c;
    return std::nullopt;
}

std::string_view to_string(KeyCase c) {
    switch (c) {
    case KeyCase::snake:
        return "snake";
    case KeyCase::camel:
        return "camel";
    case KeyCase::both:
        return "both";
    }
    return "";
}

std::string under_to_camel(std::string_view key) {
    std::string out;
    bool first = true;
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t end = key.find('_', start);
        if (end == std::string_view::npos) end = key.size();
        std::string_view part = key.substr(start, end - start);
        if (part.empty()) {
            if (end < key.size()) out += '_';
        } else {
            for (std::size_t i = 0; i < part.size(); ++i) {
                auto c = static_cast<unsigned char>(part[i]);
                out += static_cast<char>(i == 0 && !first ? std::toupper(c) : std::tolower(c));
            }
            first = false;
        }
        start = end + 1;
    }
    return out;
}

namespace {

// (Values are moved, not copied: a reply's job document is taken over whole.)
nlohmann::json object_in_case(nlohmann::json doc, KeyCase c) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string& key = it.key();
        std::string camel = key.starts_with('_') ? key : under_to_camel(key);
        bool as_is = c != KeyCase::camel || camel == key;
        bool as_camel = c != KeyCase::snake && camel != key;
        if (as_is && as_camel) out[camel] = it.value();
        if (as_is)
            out[key] = std::move(it.value());
        else if (as_camel)
            out[camel] = std::move(it.value());
    }
    return out;
}

} // namespace

nlohmann::json in_case(nlohmann::json doc, KeyCase c) {
    if (c == KeyCase::snake) return doc;
    if (doc.is_object()) return object_in_case(std::move(doc), c);
    if (doc.is_array())
        for (auto& item : doc)
            if (item.is_object()) item = object_in_case(std::move(item), c);
    return doc;
}

const nlohmann::json* either_case(const nlohmann::json& doc, std::string_view key) {
    if (!doc.is_object()) return nullptr;
    if (auto it = doc.find(key); it != doc.end()) return &*it;
    if (auto it = doc.find(under_to_camel(key)); it != doc.end()) return &*it;
    return nullptr;
}

} // namespace pjm::core
