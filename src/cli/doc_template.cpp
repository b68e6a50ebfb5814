#include "cli/doc_template.hpp"

#include <stdexcept>

namespace pjm::cli {

namespace {

bool field_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

std::vector<std::string> split_path(const std::string& name) {
    std::vector<std::string> out;
    std::string part;
    for (char c : name) {
        if (c == '.') {
            out.push_back(part);
            part.clear();
        } else {
            part += c;
        }
    }
    out.push_back(part);
    return out;
}

const nlohmann::json* find(const nlohmann::json& doc, const std::vector<std::string>& path) {
    const nlohmann::json* at = &doc;
    for (const auto& part : path) {
        if (at->is_object()) {
            auto it = at->find(part);
            if (it == at->end()) return nullptr;
            at = &*it;
        } else if (at->is_array() && !part.empty() &&
                   part.find_first_not_of("0123456789") == std::string::npos && part.size() < 10 &&
                   std::stoul(part) < at->size()) {
            at = &(*at)[std::stoul(part)];
        } else {
            return nullptr;
        }
    }
    return at;
}

} // namespace

DocTemplate DocTemplate::parse(const std::string& text) {
    DocTemplate t;
    std::string literal;
    auto flush = [&] {
        if (!literal.empty()) t.m_pieces.push_back({std::move(literal), {}});
        literal.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (c == '\\' && (next == 't' || next == 'n' || next == '\\')) {
            literal += next == 't' ? '\t' : next == 'n' ? '\n' : '\\';
            ++i;
        } else if ((c == '{' && next == '{') || (c == '}' && next == '}')) {
            literal += c;
            ++i;
        } else if (c == '}') {
            throw std::invalid_argument("'}' at character " + std::to_string(i + 1) +
                                        " closes nothing (write }} for a brace)");
        } else if (c == '{') {
            auto end = text.find('}', i + 1);
            if (end == std::string::npos)
                throw std::invalid_argument("'{' at character " + std::to_string(i + 1) +
                                            " is never closed (write {{ for a brace)");
            std::string name = text.substr(i + 1, end - i - 1);
            bool ok = !name.empty() && name.front() != '.' && name.back() != '.' &&
                      name.find("..") == std::string::npos;
            for (char n : name)
                ok = ok && field_char(n);
            if (!ok)
                throw std::invalid_argument("'{" + name + "}' at character " +
                                            std::to_string(i + 1) +
                                            " is not a field: write {uuid}, {job.state}, …");
            flush();
            t.m_pieces.push_back({{}, split_path(name)});
            i = end;
        } else {
            literal += c;
        }
    }
    flush();
    return t;
}

std::string DocTemplate::render(const nlohmann::json& doc,
                                std::vector<std::string>& missing) const {
    std::string out;
    for (const auto& piece : m_pieces) {
        if (piece.path.empty()) {
            out += piece.text;
            continue;
        }
        const nlohmann::json* v = find(doc, piece.path);
        if (!v) {
            std::string name;
            for (const auto& part : piece.path)
                name += (name.empty() ? "" : ".") + part;
            missing.push_back(name);
        } else if (v->is_string()) {
            out += v->get<std::string>();
        } else if (!v->is_null()) {
            out += v->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
    }
    return out;
}

} // namespace pjm::cli
