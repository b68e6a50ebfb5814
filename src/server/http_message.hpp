// An HTTP request and its reply as pjm serve's routes see them: complete, already checked,
// and free of any socket or library type. http_server.cpp fills the one and writes the other.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pjm::server {

struct Header {
    std::string name; // as sent; compared without regard to case
    std::string value;
};

struct Request {
    std::string method;               // as sent: "GET", "POST", …
    std::string target;               // the request-target as sent: path and query string
    std::string path;                 // the target before '?', not %-decoded
    int minor_version = 1;            // HTTP/1.<minor_version>
    std::vector<Header> headers;      // in the order sent
    std::string remote_addr;          // the client's IP address
    std::string body;                 // the whole body, its Content-Encoding undone
    std::vector<std::string> matches; // the route pattern's groups, %-decoded ([0]: the path)
    int route = -1;                   // the route table's row that takes it; -1: none
    std::string identity;             // who its credentials name (AuthResult::identity)

    bool has_header(std::string_view name) const;
    std::size_t get_header_value_count(std::string_view name) const;
    // The i-th value of that header; empty when it has fewer.
    std::string get_header_value(std::string_view name, std::size_t i = 0) const;
};

struct Response {
    int status = 200;
    std::vector<Header> headers; // besides Content-Type, Content-Length and Connection
    std::string body;
    std::string content_type;
    bool close = false;     // close the connection once this reply is sent
    std::string log_detail; // added to the request's log line; never a secret
    bool tapis = false;     // answering under /v3/actors: envelopes carry "metadata": {}

    void set_header(std::string name, std::string value);
    void set_content(std::string text, std::string type);
};

// Header names, and the other words HTTP compares without case (a media type, "true"), compare
// without regard to ASCII case.
bool same_name(std::string_view a, std::string_view b);

} // namespace pjm::server
