mod query;
mod site;
