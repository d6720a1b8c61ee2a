# frozen_string_literal: true

require_relative 'server'
run Rails.application
