/**
 * Kubo's routing.QueryEventType values, as `routing` and `dht` commands print them: a module of its own, so
 * that the commands read them without loading the routing's modules (the DHT) at every CLI start
 */
export const QueryEventType = { SendingQuery: 0, PeerResponse: 1, FinalPeer: 2, QueryError: 3, Provider: 4, Value: 5, AddingPeer: 6, DialingPeer: 7 } as const
