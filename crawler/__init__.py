"""The Scrapy project: spiders fetch, pure parsers read, pipelines analyze and store."""
