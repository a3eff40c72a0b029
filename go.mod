module github.com/causeway-soc/causeway

go 1.26
