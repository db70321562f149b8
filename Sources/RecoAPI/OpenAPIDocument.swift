/// The hand-maintained OpenAPI 3.1 description of every route; `/docs` is rendered from it and
/// a test checks that it lists exactly the routes the router serves.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "reco-api",
        "version": "1",
        "description": "Top-N movie recommendations from a biased matrix-factorisation model (Surprise SVD semantics). Errors are JSON objects {\"error\": message, \"field\": name}."
      },
      "paths": {
        "/": {
          "get": {"summary": "Greeting naming the docs routes", "responses": {"200": {"description": "service name, docs and openapi routes"}}}
        },
        "/health/live": {
          "get": {"summary": "Liveness: the process is up", "responses": {"200": {"description": "{\"status\": \"live\"}"}}}
        },
        "/health/ready": {
          "get": {"summary": "Readiness: a model is loaded and, with --follow, the replica has caught up with the watch log", "responses": {
            "200": {"description": "{\"status\": \"ready\", \"model_version\": ...} (with --follow also lag, folded (events), read (messages) and what became of each: folded_messages, skipped_learned, skipped_not_an_event, skipped_before_cutoff, repeat_watches, replayed; lost_events and, after a gap in the watch log, last_gap)"},
            "503": {"description": "{\"status\": \"loading\"} while the first load runs; {\"status\": \"failed\", \"error\": ...} when no model could be loaded; {\"status\": \"catching_up\", \"lag\": ...} while the replica reads the watch log"}}}
        },
        "/suggested_movies": {
          "get": {
            "summary": "Seed-compatible top 10 for a customer",
            "description": "pandas DataFrame.to_dict() shape: {\"Movie_Id\": {\"0\": id, ...}, \"Year\": {...}, \"Name\": {...}, \"Estimate_Score\": {...}}. Unknown customers get the cold-start ranking; unknown years are null.",
            "parameters": [{"name": "Cust_Id", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 4294967295}, "description": "customer id"}, {"name": "ranker", "in": "query", "required": false, "schema": {"type": "string", "enum": ["ranker", "svd"], "default": "ranker"}, "description": "what orders the list: the model's ranker (EASE or iALS) or svd (predicted rating, the order before rankers)"}],
            "responses": {"200": {"description": "top 10 by column"}, "422": {"description": "Cust_Id missing, not an integer or not positive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "503": {"description": "no model loaded yet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/v1/customers/{id}/recommendations": {
          "get": {
            "summary": "Top-N movies for a customer",
            "description": "Chosen and ordered by the model's implicit-feedback ranker (EASE or iALS; ranked_by names it); score is the SVD's predicted rating. ranker=svd orders by predicted rating instead. Ties go to the smaller movie id. Unknown customers get the most rated movies (files without a ranker: mu + b_i) with cold_start true.",
            "parameters": [
              {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 4294967295}, "description": "customer id"},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}, "description": "how many movies"},
              {"name": "exclude_rated", "in": "query", "required": false, "schema": {"type": "boolean", "default": true}, "description": "leave out movies the customer rated"},
              {"name": "ranker", "in": "query", "required": false, "schema": {"type": "string", "enum": ["ranker", "svd"], "default": "ranker"}, "description": "what orders the list: the model's ranker (EASE or iALS) or svd (predicted rating, the order before rankers)"}
            ],
            "responses": {"200": {"description": "{customer_id, model_version, cold_start, ranked_by, items: [{rank, movie_id, title, year, score}]}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CustomerRecommendations"}}}}, "422": {"description": "bad id, limit or exclude_rated", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "503": {"description": "no model loaded yet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/v1/recommendations/batch": {
          "post": {
            "summary": "Top-N movies for up to 1,000 customers",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["customer_ids"], "additionalProperties": false, "properties": {
              "customer_ids": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 4294967295}, "minItems": 1, "maxItems": 1000},
              "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
              "exclude_rated": {"type": "boolean", "default": true},
              "ranker": {"type": "string", "enum": ["ranker", "svd"], "default": "ranker"},
              "watching": {"type": "array", "maxItems": 4000, "description": "movies being watched now, folded into those customers' lists for this answer only (the stream services send their events)", "items": {"type": "object", "required": ["customer_id", "movie_id"], "additionalProperties": false, "properties": {
                "customer_id": {"type": "integer", "minimum": 1, "maximum": 4294967295}, "movie_id": {"type": "integer", "minimum": 1, "maximum": 4294967295}}}}}}}}},
            "responses": {"200": {"description": "{model_version, results: [{customer_id, cold_start, ranked_by, items}]} in request order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchRecommendations"}}}}, "413": {"description": "body over 256 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "422": {"description": "malformed JSON or bad values: the field (customer_ids[2], limit, ...) and the problem", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "503": {"description": "no model loaded yet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/v1/customers/{id}/history": {
          "get": {
            "summary": "What a customer watched since the model's training cutoff, newest first",
            "description": "From the replica's overlay: the watch log read with --follow (each movie once, its latest watch; at most 500 per customer; customers evicted beyond --overlay-customers have none); with --database-url also the consumer's stored history (watch_events), source overlay+postgresql. If PostgreSQL cannot be read, the overlay's watches come with postgresql_error.",
            "parameters": [
              {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 4294967295}, "description": "customer id"},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "description": "how many watches"}
            ],
            "responses": {"200": {"description": "{customer_id, source, watches: [{movie_id, title, year, watched_at}]}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/History"}}}}, "422": {"description": "bad id or limit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/v1/sessions/recommendations": {
          "post": {
            "summary": "Top-N movies for an anonymous session from the movies it watched",
            "description": "The movies are folded in as the history of a customer the model has never seen; movies the model does not know are ignored (known_movies counts the others). No movie known: the cold-start list.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["movie_ids"], "additionalProperties": false, "properties": {
              "movie_ids": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 4294967295}, "maxItems": 1000},
              "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
              "exclude_watched": {"type": "boolean", "default": true}}}}}},
            "responses": {"200": {"description": "{model_version, cold_start, ranked_by, known_movies, items}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionRecommendations"}}}}, "413": {"description": "body over 64 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "422": {"description": "malformed JSON or bad values: the field (movie_ids[2], limit, ...) and the problem", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "503": {"description": "no model loaded yet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/v1/movies/{id}/similar": {
          "get": {
            "summary": "Movies similar to a movie (EASE item-item weights or cosine of iALS factors; ranker=svd: cosine of SVD factors)",
            "parameters": [
              {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 4294967295}, "description": "movie id"},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}, "description": "how many movies"},
              {"name": "ranker", "in": "query", "required": false, "schema": {"type": "string", "enum": ["ranker", "svd"], "default": "ranker"}, "description": "what orders the list: the model's ranker (EASE or iALS) or svd (predicted rating, the order before rankers)"}
            ],
            "responses": {"200": {"description": "{movie_id, title, model_version, items: [{rank, movie_id, title, year, similarity}]}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SimilarMovies"}}}}, "404": {"description": "movie not in the model", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "422": {"description": "bad id or limit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "503": {"description": "no model loaded yet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/v1/model": {
          "get": {"summary": "Metadata of the model being served", "responses": {"200": {"description": "version, format version, counts, ranker (name, hyper-parameters, how it was chosen, validation figures), SVD hyper-parameters, training metrics, data fingerprint"}, "503": {"description": "no model loaded yet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
        },
        "/v1/admin/reload": {
          "post": {
            "summary": "Reload the model file (validated first; a bad file leaves the old model serving)",
            "description": "Enabled only when an admin token is configured; send it as 'Authorization: Bearer <token>'. SIGHUP does the same.",
            "security": [{"adminToken": []}],
            "responses": {"200": {"description": "reloaded"}, "401": {"description": "missing or wrong token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "404": {"description": "admin routes disabled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "409": {"description": "a reload is already running", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "422": {"description": "the new file was refused; the old model still serves", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/metrics": {
          "get": {"summary": "Prometheus metrics: requests and latency per route template, model version and load time", "responses": {"200": {"description": "Prometheus text format"}}}
        },
        "/openapi.json": {
          "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}
        },
        "/docs": {
          "get": {"summary": "This document as a readable page", "responses": {"200": {"description": "HTML"}}}
        }
      },
      "components": {
        "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer", "description": "the token of --admin-token-file or RECO_API_ADMIN_TOKEN"}},
        "schemas": {
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "field": {"type": "string"}}},
          "RecommendedMovie": {"type": "object", "required": ["rank", "movie_id", "title", "year", "score"], "properties": {
            "rank": {"type": "integer", "minimum": 1}, "movie_id": {"type": "integer", "minimum": 1}, "title": {"type": ["string", "null"]},
            "year": {"type": ["integer", "null"]}, "score": {"type": "number"}}},
          "CustomerRecommendations": {"type": "object", "required": ["customer_id", "model_version", "cold_start", "ranked_by", "items"], "properties": {
            "customer_id": {"type": "integer"}, "model_version": {"type": "string"}, "cold_start": {"type": "boolean"}, "ranked_by": {"type": "string"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/RecommendedMovie"}}}},
          "BatchRecommendations": {"type": "object", "required": ["model_version", "results"], "properties": {
            "model_version": {"type": "string"},
            "results": {"type": "array", "items": {"type": "object", "required": ["customer_id", "cold_start", "ranked_by", "items"], "properties": {
              "customer_id": {"type": "integer"}, "cold_start": {"type": "boolean"}, "ranked_by": {"type": "string"},
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/RecommendedMovie"}}}}}}},
          "SessionRecommendations": {"type": "object", "required": ["model_version", "cold_start", "ranked_by", "known_movies", "items"], "properties": {
            "model_version": {"type": "string"}, "cold_start": {"type": "boolean"}, "ranked_by": {"type": "string"}, "known_movies": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/RecommendedMovie"}}}},
          "History": {"type": "object", "required": ["customer_id", "source", "watches"], "properties": {
            "customer_id": {"type": "integer"}, "source": {"type": "string", "enum": ["overlay", "overlay+postgresql"]}, "postgresql_error": {"type": "string"},
            "watches": {"type": "array", "items": {"type": "object", "required": ["movie_id", "title", "year", "watched_at"], "properties": {
              "movie_id": {"type": "integer"}, "title": {"type": ["string", "null"]}, "year": {"type": ["integer", "null"]}, "watched_at": {"type": "string"}}}}}},
          "SimilarMovies": {"type": "object", "required": ["movie_id", "title", "model_version", "items"], "properties": {
            "movie_id": {"type": "integer"}, "title": {"type": ["string", "null"]}, "model_version": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object", "required": ["rank", "movie_id", "title", "year", "similarity"], "properties": {
              "rank": {"type": "integer", "minimum": 1}, "movie_id": {"type": "integer"}, "title": {"type": ["string", "null"]},
              "year": {"type": ["integer", "null"]}, "similarity": {"type": "number"}}}}}}
        }
      }
    }
    """#
}
