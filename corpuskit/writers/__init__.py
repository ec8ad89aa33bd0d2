"""Release writers: WARC shards with their CDXJ index, the rendered HTML page, Parquet, manifest."""
