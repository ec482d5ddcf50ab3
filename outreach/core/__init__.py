"""What two or more capabilities use: data, keys, access, audit writer, forms, dates, maps."""
