#pragma once
// Starting a connection's session (internal to host/http; Beast is in session.cc).
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/server_shared.h"

namespace shiming::http::detail {

void start_plain_session(std::shared_ptr<ServerShared> shared, boost::asio::ip::tcp::socket socket);
void start_tls_session(std::shared_ptr<ServerShared> shared, boost::asio::ip::tcp::socket socket,
                       std::shared_ptr<boost::asio::ssl::context> tls);

}  // namespace shiming::http::detail
