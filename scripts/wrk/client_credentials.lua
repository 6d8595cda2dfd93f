-- wrk: client_credentials grants with client_secret_basic.
-- env: WRK_BASIC (base64 of "client_id:client_secret"), WRK_BODY (extra form
-- parameters, e.g. "&resource=urn:hallpass:load" for a server that signs a JWT
-- only for a named resource). wrk itself reports answers that are not 2xx.
wrk.method = "POST"
wrk.body = "grant_type=client_credentials" .. (os.getenv("WRK_BODY") or "")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. assert(os.getenv("WRK_BASIC"), "WRK_BASIC is not set")
